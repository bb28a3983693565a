import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { SANDBOX_DEFAULTS, signBody } from '../sandbox/index.ts';
import {
  createUser,
  failureScreenshotPath,
  NUMBER_ID,
  newPage,
  type Stack,
  screenshotPath,
  signIn,
  startStack,
  waitUntil,
} from './harness.ts';

/** A message the hub cannot apply: Meta's shape, but the item has no `id`. */
function webhookWithoutMessageId(text: string): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: SANDBOX_DEFAULTS.wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: SANDBOX_DEFAULTS.displayPhoneNumber,
                phone_number_id: NUMBER_ID,
              },
              contacts: [{ profile: { name: 'Ana' }, wa_id: '16505551234' }],
              messages: [
                {
                  from: '16505551234',
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: 'text',
                  text: { body: text },
                },
              ],
            },
          },
        ],
      },
    ],
  });
}

/** Posts a webhook to the hub as Meta does: over HTTP, signed with the app secret. */
async function postSignedWebhook(stack: Stack, body: string): Promise<number> {
  const res = await fetch(`${stack.hub.url}/webhooks/meta`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signBody(SANDBOX_DEFAULTS.appSecret, body),
    },
    body,
  });
  return res.status;
}

function sections(page: Page) {
  return page.getByRole('navigation', { name: 'Sections' });
}

describe('the Failures page against a real hub and sandbox', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ customers: [] });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('is not offered to an agent, who may not retry', async () => {
    const agent = await createUser(stack, { name: 'Aga Agent', role: 'agent' });
    const { context, page } = await newPage(stack);
    try {
      await signIn(page, agent);
      await sections(page).getByRole('link', { name: 'Inbox', exact: true }).waitFor();
      expect(
        await sections(page)
          .getByRole('link', { name: /Failures/ })
          .count(),
      ).toBe(0);
      await page.goto('/failures');
      await page.getByTestId('forbidden').waitFor();
    } finally {
      await context.close();
    }
  });

  it('shows a webhook the hub could not apply as it arrives, and says why a retry did not help', async (ctx) => {
    const lead = await createUser(stack, { name: 'Sofia Lead', role: 'supervisor' });
    const { context, page } = await newPage(stack);
    onTestFailed(async () => {
      await page.screenshot({ path: failureScreenshotPath(ctx.task.name) }).catch(() => undefined);
    });
    try {
      await signIn(page, lead);
      const nav = sections(page).getByRole('link', { name: /^Failures/ });
      await nav.waitFor();
      expect(await page.getByTestId('failures-badge').count()).toBe(0);
      await nav.click();
      await page.getByRole('heading', { name: 'Failures', exact: true }).waitFor();
      const webhooks = page.getByRole('tabpanel', { name: /Webhook processing/ });
      await webhooks.getByTestId('failures-empty').waitFor();
      expect(await webhooks.getByTestId('failures-empty').textContent()).toContain(
        'Every webhook from Meta was applied',
      );

      // Meta delivers an item the hub rejects: the open page shows it without a reload (stream notice).
      expect(await postSignedWebhook(stack, webhookWithoutMessageId('where is my order?'))).toBe(200);
      const table = page.getByRole('table', { name: 'Webhook processing failures' });
      const row = table.getByTestId('failure-row');
      await row.waitFor();
      expect(await row.count()).toBe(1);
      expect(await row.getByText('WEBHOOK_SHAPE_INVALID').count()).toBe(1);
      expect(await row.getByTestId('failure-message').textContent()).toBe('item has no id');
      expect(await row.getByTestId('failure-attempts').textContent()).toBe('0');
      expect(await row.textContent()).toContain('entry[0].changes[0].value.messages[0]');
      await page.getByTestId('failures-badge').waitFor();
      expect(await page.getByTestId('failures-badge').textContent()).toBe('1');
      // The count is in the link's name, for a screen reader too.
      expect(await sections(page).getByRole('link', { name: 'Failures (1 open)', exact: true }).count()).toBe(
        1,
      );
      expect(await nav.getAttribute('aria-current')).toBe('page');
      expect(await page.getByTestId('count-webhooks').textContent()).toBe('1');

      // Retry from the keyboard: the item is still malformed, and the page says so.
      const retry = row.getByRole('button', { name: /^Retry WEBHOOK_SHAPE_INVALID/ });
      await retry.focus();
      await page.keyboard.press('Enter');
      await row.getByTestId('retry-outcome').filter({ hasText: 'Still failing' }).waitFor();
      expect(await row.getByTestId('retry-outcome').textContent()).toBe('Still failing: item has no id');
      const toast = page.getByRole('alert').filter({ hasText: 'Retried, still failing: item has no id' });
      await toast.waitFor();
      await waitUntil(async () => (await row.getByTestId('failure-attempts').textContent()) === '1');
      const stored = await stack.deps.database.db
        .selectFrom('processing_failures')
        .select(['code', 'retry_count', 'resolved_at'])
        .executeTakeFirstOrThrow();
      expect(stored).toEqual({ code: 'WEBHOOK_SHAPE_INVALID', retry_count: 1, resolved_at: null });

      await page.screenshot({ path: screenshotPath('failures') });
    } finally {
      await context.close();
    }
  });

  it('runs a failed job again from the Jobs tab, and it leaves the list once it succeeds', async (ctx) => {
    const lead = await createUser(stack, { name: 'Jon Lead', role: 'supervisor' });
    const db = stack.deps.database.db;
    const key = 'recurring:templates.sync';
    // The template sync's last run gave up (as when Graph was down); it would wait for its next slot.
    await waitUntil(async () => {
      const updated = await db
        .updateTable('jobs')
        .set({
          failed_at: Date.now(),
          last_error: 'template sync failed for 102290129340398: Graph answered 503',
          attempts: 3,
          run_at: Date.now() + 3_600_000,
          updated_at: Date.now(),
        })
        .where('key', '=', key)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return Number(updated.numUpdatedRows) === 1;
    }, 200);
    const { context, page } = await newPage(stack);
    onTestFailed(async () => {
      await page.screenshot({ path: failureScreenshotPath(ctx.task.name) }).catch(() => undefined);
    });
    try {
      await signIn(page, lead);
      await sections(page)
        .getByRole('link', { name: /^Failures/ })
        .click();
      await page.getByRole('tab', { name: /Jobs/ }).click();
      const row = page.getByRole('table', { name: 'Job failures' }).getByTestId('failure-row');
      await row.waitFor();
      expect(await row.getByText('templates.sync').count()).toBe(1);
      expect(await row.getByTestId('failure-message').textContent()).toContain('Graph answered 503');
      expect(await row.getByTestId('failure-attempts').textContent()).toBe('3');
      await row.getByRole('button', { name: /^Retry templates\.sync/ }).click();
      // The answer is a toast: the runner may take the job up and clear it before the list refreshes.
      await page.getByRole('status').filter({ hasText: 'templates.sync will run again shortly.' }).waitFor();
      // The runner takes it up, the sync against the sandbox succeeds, and the failure is cleared.
      await waitUntil(async () => {
        const job = await db
          .selectFrom('jobs')
          .select(['failed_at', 'state'])
          .where('key', '=', key)
          .executeTakeFirst();
        return job?.failed_at === null && job.state === 'pending';
      }, 200);
      await page.reload();
      await page.getByRole('tabpanel', { name: /Jobs/ }).getByTestId('failures-empty').waitFor();
      expect(page.url()).toMatch(/\/failures\/jobs$/);
    } finally {
      await context.close();
    }
  });

  it('lists an event a subscriber gave up on, and hands it back to the subscriber', async (ctx) => {
    const lead = await createUser(stack, { name: 'Ines Lead', role: 'supervisor' });
    const db = stack.deps.database.db;
    const event = await db
      .selectFrom('domain_events')
      .select(['id', 'type'])
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const at = Date.now();
    // The archive gave up on an event after its attempts (as when its disk was full).
    await db
      .insertInto('subscriber_failures')
      .values({
        subscriber: 'archive.log',
        event_id: Number(event.id),
        event_type: event.type,
        phone_number_id: NUMBER_ID,
        state: 'failed',
        attempts: 5,
        error: 'ENOSPC: no space left on device',
        next_attempt_at: null,
        created_at: at - 60_000,
        updated_at: at,
        resolved_at: null,
      })
      .execute();
    const { context, page } = await newPage(stack);
    onTestFailed(async () => {
      await page.screenshot({ path: failureScreenshotPath(ctx.task.name) }).catch(() => undefined);
    });
    try {
      await signIn(page, lead);
      await sections(page)
        .getByRole('link', { name: /^Failures/ })
        .click();
      await page.getByRole('tab', { name: /Subscribers/ }).click();
      expect(page.url()).toMatch(/\/failures\/subscribers$/);
      const row = page.getByRole('table', { name: 'Subscriber failures' }).getByTestId('failure-row');
      await row.waitFor();
      expect(await row.getByText('archive.log', { exact: true }).count()).toBe(1);
      expect(await row.textContent()).toContain(`${event.type} #${event.id} · gave up`);
      expect(await row.getByTestId('failure-message').textContent()).toBe('ENOSPC: no space left on device');
      expect(await row.getByTestId('failure-attempts').textContent()).toBe('5');
      expect(await page.getByTestId('count-subscribers').textContent()).toBe('1');
      await row.getByRole('button', { name: /^Retry archive\.log/ }).click();
      await page
        .getByRole('status')
        .filter({ hasText: `archive.log will handle event ${event.id} again shortly.` })
        .waitFor();
      const stored = await db
        .selectFrom('subscriber_failures')
        .select(['state', 'attempts'])
        .where('subscriber', '=', 'archive.log')
        .where('event_id', '=', Number(event.id))
        .executeTakeFirstOrThrow();
      // Handed back: the subscriber retries it (and resolves it once it succeeds).
      expect(stored.state === 'retrying' || stored.state === 'resolved').toBe(true);
    } finally {
      await context.close();
    }
  });
});
