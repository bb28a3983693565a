import { createHash } from 'node:crypto';
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
  '/automation/handoff',
  '/automation/ai',
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
  '/members',
  '/organisations',
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
      // A second organisation (the top bar then shows the switcher) and an invitation link's page.
      const db = stack.deps.database.db;
      const now = Date.now();
      await db
        .insertInto('organisations')
        .values({ id: 'org_second', name: 'Second Ltd', created_by: null, created_at: now, updated_at: now })
        .execute();
      const token = 'inv_accessibility-test-token';
      await db
        .insertInto('organisation_invitations')
        .values({
          id: 'invitation-a11y',
          organisation_id: 'org_second',
          email: 'new.person@example.test',
          role: 'agent',
          token_hash: createHash('sha256').update(token).digest('hex'),
          created_by: null,
          created_at: now,
          expires_at: now + 86_400_000,
          accepted_at: null,
          accepted_user_id: null,
          revoked_at: null,
        })
        .execute();
      await page.goto(`/invite#${token}`);
      await page.getByRole('button', { name: 'Join Second Ltd' }).waitFor();
      found['/invite'] = await seriousViolations(page);
      await page.goto('/');
      // The first owner is the provider administrator, who also sees the organisations page.
      const owner = await createUserWithMfa(stack, { name: 'Olga Owner', role: 'owner' });
      await db.updateTable('users').set({ provider_admin: 1 }).where('id', '=', owner.id).execute();
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
