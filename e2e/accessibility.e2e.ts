import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUserWithMfa,
  failureScreenshotPath,
  newPage,
  type Stack,
  signInWithMfa,
  startStack,
  waitUntil,
} from './harness.ts';

// Evaluated through the DevTools protocol: the hub's Content Security Policy forbids inline scripts.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const CUSTOMER = { waId: '16505557777', name: 'Lola Accesible' };

type Violation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };

/** axe-core's serious and critical violations on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = (await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected as a global script.
    const axe = (window as any).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  })) as Violation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** Waits until no loader is shown (the event stream keeps the network busy, so not `networkidle`). */
async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('[aria-label^="Loading"], .mantine-Loader-root'));
  await page.waitForTimeout(300);
}

/**
 * Every page of the web app, as an owner sees it (the owner sees every section): each section of
 * the navigation (`web/src/app/AppLayout.tsx`), each tab that has its own address, and the number
 * connection page. A section added to the app belongs here too.
 */
const PAGES = [
  '/inbox',
  '/supervisor',
  '/reports',
  '/templates',
  '/campaigns',
  '/audiences',
  '/audiences/import',
  '/audiences/consent',
  '/automation',
  '/automation/flows',
  '/automation/knowledge',
  '/automation/rules',
  '/automation/routing',
  '/automation/business-hours',
  '/automation/vips',
  '/unknown-sends',
  '/failures',
  '/failures/subscribers',
  '/failures/jobs',
  '/webhooks',
  '/health',
  '/connect-number',
  '/settings',
  '/settings/users',
  '/settings/teams',
  '/settings/canned-replies',
  '/settings/tokens',
  '/settings/routing',
  '/settings/business-hours',
  '/settings/vips',
  '/audit',
  '/security-log',
  '/account',
];

describe('accessibility: axe-core on every page', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ customers: [CUSTOMER] });
    await stack.sandbox.control.customerText(CUSTOMER.waId, 'Hola, ¿abrís el sábado?');
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('finds no serious or critical violation (colour contrast included) on the sign-in page, any page, or an open conversation', async (ctx) => {
    const { context, page } = await newPage(stack);
    const found: Record<string, string[]> = {};
    try {
      await page.goto('/');
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      found['/ (sign in)'] = await seriousViolations(page);
      const owner = await createUserWithMfa(stack, { name: 'Olga Owner', role: 'owner' });
      await signInWithMfa(page, owner);
      await page.getByRole('navigation').first().waitFor();
      for (const path of PAGES) {
        // In-app navigation, as a user moves between sections (/webhooks is also the hub's Meta endpoint).
        await page.evaluate((to) => {
          window.history.pushState(null, '', to);
          window.dispatchEvent(new PopStateEvent('popstate'));
        }, path);
        await page.getByRole('main').first().waitFor();
        await settle(page);
        found[path] = await seriousViolations(page);
      }
      await page.evaluate(() => {
        window.history.pushState(null, '', '/inbox');
        window.dispatchEvent(new PopStateEvent('popstate'));
      });
      await page
        .getByRole('radiogroup', { name: 'Whose conversations' })
        .getByText('All', { exact: true })
        .click();
      const row = page.getByTestId('conversation-row').filter({ hasText: CUSTOMER.name });
      await waitUntil(async () => (await row.count()) > 0);
      await row.click();
      await page.getByTestId('message-timeline').getByText('abrís el sábado').waitFor();
      await settle(page);
      found['/inbox/:id'] = await seriousViolations(page);
    } catch (error) {
      await page.screenshot({ path: failureScreenshotPath(ctx.task.name) }).catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
    expect(found).toEqual(Object.fromEntries(Object.keys(found).map((k) => [k, []])));
  }, 420_000);
});
