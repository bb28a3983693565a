import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../src/auth/api-tokens.ts';
import {
  createUserWithMfa,
  failureScreenshotPath,
  NUMBER_ID,
  nextTotp,
  type Stack,
  screenshotPath,
  startStack,
  type TestUser,
  waitUntil,
} from './harness.ts';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const LUCIA = { waId: '34600111222', name: 'Lucía Fernández' };
// Far from the machine's zone, so a time on the business clock differs from the browser's.
const ZONE = 'Asia/Kolkata';

type Admin = TestUser & { mfaSecret: string };

const LOCALES = new URL('../web/src/i18n/locales/', import.meta.url);

/** Every text of a language's catalogues, by `namespace:key`. */
function catalogue(language: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (prefix: string, value: unknown) => {
    if (typeof value === 'string') out.set(prefix, value);
    else if (value && typeof value === 'object')
      for (const [key, child] of Object.entries(value))
        walk(prefix.endsWith(':') ? `${prefix}${key}` : `${prefix}.${key}`, child);
  };
  const dir = new URL(`${language}/`, LOCALES);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')))
    walk(`${file.slice(0, -5)}:`, JSON.parse(readFileSync(new URL(file, dir), 'utf8')));
  return out;
}

/**
 * English texts of the catalogues that `language` says otherwise: none of them may be on a page
 * shown in that language (texts with {{placeholders}} are left out, they never appear whole).
 */
function englishOnly(language: string): Set<string> {
  const english = catalogue('en');
  const other = catalogue(language);
  // A word both languages write alike ("Responder") is no leak even where its English key differs.
  const theirs = new Set(other.values());
  const out = new Set<string>();
  for (const [key, text] of english)
    if (
      other.get(key) !== text &&
      !theirs.has(text) &&
      !text.includes('{{') &&
      !text.includes('<') &&
      /\p{L}{2}/u.test(text)
    )
      out.add(text);
  return out;
}

/** The English texts on the page (text, aria-label, title, placeholder, alt) that the language translates. */
async function englishOnPage(page: Page, language: string): Promise<string[]> {
  const shown = await page.evaluate(() => {
    const texts = new Set<string>();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim();
      if (text) texts.add(text);
    }
    for (const element of document.querySelectorAll('[aria-label], [title], [placeholder], [alt]'))
      for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
        const value = element.getAttribute(name)?.trim();
        if (value) texts.add(value);
      }
    return [...texts];
  });
  const english = englishOnly(language);
  return shown.filter((text) => english.has(text));
}

async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = (await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected as a global script.
    const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  })) as { id: string; impact: string | null; nodes: { target: string[] }[] }[];
  return (
    violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      // As in accessibility.e2e.ts: the colour contrast of Mantine's light variants is not met yet.
      .filter((v) => v.id !== 'color-contrast')
      .map((v) => `${v.id} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)
  );
}

async function goTo(page: Page, path: string): Promise<void> {
  await page.evaluate((to) => {
    window.history.pushState(null, '', to);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, path);
}

async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('.mantine-Loader-root'));
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
}

/** Whether the page or its top bar scrolls sideways (the sections did not fit). */
function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    ['html', 'header', 'nav'].filter((selector) => {
      const element = document.querySelector(selector);
      return !!element && element.scrollWidth > element.clientWidth + 1;
    }),
  );
}

describe('the web app in Spanish and Portuguese', () => {
  let stack: Stack;
  let admin: Admin;
  let lastMessageAt: string;

  beforeAll(async () => {
    stack = await startStack({ customers: [LUCIA] });
    admin = await createUserWithMfa(stack, { name: 'Ana Admin', role: 'admin' });
    const { token } = await createApiToken(stack.deps.database.db, {
      name: 'setup',
      role: 'admin',
      now: Date.now(),
    });
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    await stack.sandbox.control.customerText(LUCIA.waId, 'Hola, ¿tenéis la chaqueta azul en la talla M?');
    await waitUntil(async () => {
      const res = await fetch(`${stack.hub.url}/api/conversations`, { headers: auth });
      if (!res.ok) return false;
      const body = (await res.json()) as { data: { last_message_at: string | null }[] };
      lastMessageAt = body.data[0]?.last_message_at ?? '';
      return lastMessageAt !== '';
    });
    // The number exists once its first webhook arrived.
    const hours = await fetch(`${stack.hub.url}/api/automation/business-hours/${NUMBER_ID}`, {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify({ time_zone: ZONE, weekly: { mon: [['09:00', '18:00']] } }),
    });
    expect(hours.status, await hours.clone().text()).toBe(200);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('follows a Spanish browser, then the Portuguese the user picks, kept on the server', async (ctx) => {
    const context = await stack.browser.newContext({
      baseURL: stack.hub.url,
      viewport: { width: 1366, height: 768 },
      locale: 'es-ES',
    });
    const page = await context.newPage();
    try {
      // The sign-in page speaks the browser's language, and so do the API's errors (by their code).
      await page.goto('/');
      await page.getByRole('button', { name: 'Iniciar sesión' }).waitFor();
      expect(await page.getAttribute('html', 'lang')).toBe('es');
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByLabel('Correo electrónico').fill(admin.email);
      await page.getByRole('textbox', { name: 'Contraseña' }).fill('not the password');
      await page.getByRole('button', { name: 'Iniciar sesión' }).click();
      await page.getByRole('alert').filter({ hasText: 'Correo o contraseña incorrectos.' }).waitFor();
      await page.getByRole('textbox', { name: 'Contraseña' }).fill(admin.password);
      await page.getByRole('button', { name: 'Iniciar sesión' }).click();
      await page
        .getByRole('textbox', { name: 'Código de un solo uso' })
        .fill(await nextTotp(admin.mfaSecret));
      await page.getByRole('button', { name: 'Verificar' }).click();

      // The inbox, with the conversation's time on the number's business clock (Kolkata).
      const sections = page.getByRole('navigation', { name: 'Secciones' });
      await sections.getByRole('link', { name: 'Bandeja de entrada' }).waitFor();
      expect(await overflowing(page)).toEqual([]);
      await page.screenshot({ path: '/tmp/coexist-nav-1366-es.png' });
      await page
        .getByRole('radiogroup', { name: 'De quién son las conversaciones' })
        .getByText('Todas', { exact: true })
        .click();
      const row = page.getByTestId('conversation-row').filter({ hasText: LUCIA.name });
      await row.waitFor();
      const businessClock = new Date(lastMessageAt).toLocaleTimeString('es', {
        hour: '2-digit',
        minute: '2-digit',
        timeZone: ZONE,
      });
      await row.getByText(businessClock, { exact: true }).waitFor();
      await row.click();
      await page.getByTestId('message').filter({ hasText: 'chaqueta azul' }).waitFor();
      expect(await page.getByTestId('message-time').first().textContent()).toBe(businessClock);

      // The timeline and the composer speak Spanish: the day, the reply and its ticks, a note.
      const timeline = page.getByRole('log', { name: 'Mensajes' });
      await timeline.getByRole('separator', { name: 'Hoy' }).waitFor();
      await page.getByRole('tab', { name: 'Responder' }).waitFor();
      await page.getByTestId('reply-input').fill('Sí, la tenemos en la M.');
      await page.getByRole('button', { name: 'Enviar', exact: true }).click();
      const reply = timeline.getByTestId('message').filter({ hasText: 'la tenemos en la M' });
      await reply.getByTestId('delivery-status').waitFor();
      await waitUntil(async () =>
        ['Enviado', 'Entregado', 'Leído'].includes(
          (await reply.getByTestId('delivery-status').getAttribute('aria-label')) ?? '',
        ),
      );
      await page.getByRole('tab', { name: 'Nota interna' }).click();
      await page.getByTestId('note-input').fill('Cliente habitual, ofrecer envío gratis.');
      await page.getByRole('button', { name: 'Añadir nota' }).click();
      const note = timeline.getByTestId('note').filter({ hasText: 'envío gratis' });
      expect(await note.textContent()).toMatch(/^🔒 Nota interna · Ana Admin · /);
      await page.keyboard.press('Escape');
      await page.keyboard.press('?');
      await page
        .getByRole('dialog', { name: 'Atajos de teclado' })
        .getByText('Conversación siguiente')
        .waitFor();
      await page.keyboard.press('Escape');
      await page.getByRole('tab', { name: 'Responder' }).click();
      await settle(page);
      expect(await englishOnPage(page, 'es')).toEqual([]);
      await page.screenshot({ path: screenshotPath('inbox-es') });
      expect(await seriousViolations(page)).toEqual([]);

      // A settings page: numbers formatted for Spain, weekdays named in Spanish.
      await sections.getByRole('link', { name: 'Ajustes' }).click();
      await page.getByRole('heading', { name: 'Ajustes' }).waitFor();
      const card = page.getByTestId('number-card');
      await card.getByText('Capacidad y sincronización').waitFor();
      expect(await card.getByText(/mensajes\/s$/).textContent()).toMatch(/^[\d.]+ mensajes\/s$/);
      await page.getByRole('tab', { name: 'Horario comercial' }).click();
      await page.getByLabel('Lunes: cierra').waitFor();
      await settle(page);
      expect(await seriousViolations(page)).toEqual([]);

      // The account page's picker: Portuguese, stored on the server, so it outlives a reload in a Spanish browser.
      await sections.getByRole('link', { name: 'Cuenta' }).click();
      await page.getByTestId('language-picker').selectOption('pt-BR');
      await page.getByRole('heading', { name: 'Conta' }).waitFor();
      await waitUntil(async () => {
        const me = await page.evaluate(() => fetch('/api/me').then((r) => r.json()));
        return (me as { user: { language: string } }).user.language === 'pt-BR';
      });
      await page.reload();
      const secoes = page.getByRole('navigation', { name: 'Seções' });
      await secoes.getByRole('link', { name: 'Caixa de entrada' }).waitFor();
      expect(await page.getAttribute('html', 'lang')).toBe('pt-BR');
      await secoes.getByRole('link', { name: 'Configurações' }).click();
      const numberCard = page.getByTestId('number-card');
      await numberCard.getByText('Capacidade e sincronização').waitFor();
      // "1 de dez. de 2026, 19:41": a Brazilian date.
      expect(await numberCard.getByText(/^Conectado em:/).textContent()).toMatch(
        /^Conectado em: (—|\d{1,2} de [a-zç]+\.? de \d{4},? \d{2}:\d{2})$/,
      );
      await page.getByRole('tab', { name: 'Horário comercial' }).click();
      await page.getByLabel('Segunda-feira: fecha').waitFor();
      await settle(page);
      expect(await seriousViolations(page)).toEqual([]);
      await goTo(page, '/inbox');
      await page.getByTestId('conversation-row').first().waitFor();
      await settle(page);
      expect(await seriousViolations(page)).toEqual([]);

      // The same conversation's timeline in Portuguese, with nothing left in English.
      await page
        .getByRole('radiogroup', { name: 'De quem são as conversas' })
        .getByText('Todas', { exact: true })
        .click();
      await page.getByTestId('conversation-row').filter({ hasText: LUCIA.name }).click();
      const linha = page.getByRole('log', { name: 'Mensagens' });
      await linha.getByRole('separator', { name: 'Hoje' }).waitFor();
      const nota = linha.getByTestId('note').filter({ hasText: 'envío gratis' });
      expect(await nota.textContent()).toMatch(/^🔒 Nota interna · Ana Admin · /);
      const enviada = linha.getByTestId('message').filter({ hasText: 'la tenemos en la M' });
      expect(['Enviada', 'Entregue', 'Lida']).toContain(
        await enviada.getByTestId('delivery-status').getAttribute('aria-label'),
      );
      await page.getByRole('tab', { name: 'Responder' }).waitFor();
      await page.getByRole('button', { name: 'Enviar', exact: true }).waitFor();
      await settle(page);
      expect(await englishOnPage(page, 'pt-BR')).toEqual([]);
      await page.screenshot({ path: '/tmp/coexist-inbox-pt-BR.png' });
    } catch (error) {
      await page.screenshot({ path: failureScreenshotPath(ctx.task.name) }).catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
  }, 180_000);

  it('fits every section of an owner at 1,366 px in English and in Spanish', async (ctx) => {
    for (const locale of ['en-US', 'es-ES']) {
      // One owner per language: a one-time code is never accepted twice.
      const owner = await createUserWithMfa(stack, { name: `Olga Owner ${locale}`, role: 'owner' });
      const context = await stack.browser.newContext({
        baseURL: stack.hub.url,
        viewport: { width: 1366, height: 768 },
        locale,
      });
      const page = await context.newPage();
      try {
        await page.goto('/');
        await page.locator('input[type="email"]').fill(owner.email);
        await page.locator('input[type="password"]').fill(owner.password);
        await page.locator('button[type="submit"]').click();
        await page.locator('input[autocomplete="one-time-code"]').fill(await nextTotp(owner.mfaSecret));
        await page.locator('button[type="submit"]').click();
        const nav = page.getByRole('navigation').first();
        await nav.getByRole('link').first().waitFor();
        // Every section is a visible link of the side bar; nothing scrolls sideways.
        expect(await nav.getByRole('link').count()).toBe(16);
        expect(await overflowing(page)).toEqual([]);
        const last = nav.getByRole('link').last();
        const box = await last.boundingBox();
        expect(box && box.y + box.height).toBeLessThanOrEqual(768);
        await settle(page);
        await page.screenshot({ path: `/tmp/coexist-nav-1366-${locale}.png` });
      } catch (error) {
        await page.screenshot({ path: failureScreenshotPath(ctx.task.name) }).catch(() => undefined);
        throw error;
      } finally {
        await context.close();
      }
    }
  }, 120_000);
});
