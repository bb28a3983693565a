import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { SANDBOX_DEFAULTS, signBody } from '../sandbox/index.ts';
import {
  createUser,
  createUserWithMfa,
  failureScreenshotPath,
  NUMBER_ID,
  newPage,
  type Stack,
  screenshotPath,
  signIn,
  signInWithMfa,
  startStack,
} from './harness.ts';

/*
 * Issue 16's "fixed problems" not covered by e2e/timeline.e2e.ts (day separators, an imported
 * thread's preview, status and "since" in the conversation list): the supervisor view's rows of an
 * imported thread, the number's app-activity line right after a history import, and demo traffic in
 * which the owner types on the phone.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const THREAD = { waId: '5215512345678', name: 'Lucía Pérez' };

function historyChunk(messages: { id: string; at: number; text: string; fromBusiness: boolean }[]): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: SANDBOX_DEFAULTS.wabaId,
        changes: [
          {
            field: 'history',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: SANDBOX_DEFAULTS.displayPhoneNumber,
                phone_number_id: NUMBER_ID,
              },
              history: [
                {
                  metadata: { phase: 0, chunk_order: 1, progress: 100 },
                  threads: [
                    {
                      id: THREAD.waId,
                      messages: messages.map((m) => ({
                        from: m.fromBusiness ? SANDBOX_DEFAULTS.displayPhoneNumber : THREAD.waId,
                        id: m.id,
                        timestamp: String(Math.floor(m.at / 1000)),
                        type: 'text',
                        text: { body: m.text },
                        history_context: { status: 'READ' },
                      })),
                    },
                  ],
                },
              ],
            },
          },
        ],
      },
    ],
  });
}

describe('issue 16’s fixed problems in the browser', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ customers: [] });
    const now = Date.now();
    const body = historyChunk([
      { id: 'wamid.H1', at: now - 2 * DAY, text: 'Your order has shipped.', fromBusiness: true },
      { id: 'wamid.H2', at: now - 3 * HOUR, text: '¿Cuándo llega mi pedido?', fromBusiness: false },
    ]);
    const res = await fetch(`${stack.hub.url}/webhooks/meta`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signBody(SANDBOX_DEFAULTS.appSecret, body),
      },
      body,
    });
    expect(res.status).toBe(200);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it("shows an imported thread's last message and time in the supervisor view", async (ctx) => {
    const lead = await createUser(stack, { name: 'Sofia Chen', role: 'supervisor' });
    const { context, page } = await newPage(stack);
    onTestFailed(async () => {
      await page.screenshot({ path: failureScreenshotPath(ctx.task.name) }).catch(() => {});
    });
    try {
      await signIn(page, lead);
      await page.getByRole('link', { name: 'Supervisor' }).click();
      // A recent customer message nobody answered: it landed open, with its preview and time.
      const imported = page.getByTestId('supervisor-conversations').getByText('¿Cuándo llega mi pedido?');
      await imported.waitFor();
      const line = await imported.textContent();
      // The list's time: the clock today, the weekday when three hours ago was yesterday (after 21:00).
      const shown = await page.evaluate(
        (at) => {
          const sameDay = new Date(at).toDateString() === new Date().toDateString();
          return sameDay
            ? new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
            : new Date(at).toLocaleDateString([], { weekday: 'short' });
        },
        Math.floor((Date.now() - 3 * HOUR) / 1000) * 1000,
      );
      expect(line?.replace(/\s/g, ' ')).toContain(`${shown.replace(/\s/g, ' ')} · `);
    } finally {
      await context.close();
    }
  });

  it("shows the number's Business-app activity right after a history import", async (ctx) => {
    const admin = await createUserWithMfa(stack, { name: 'Alex Admin', role: 'admin' });
    const { context, page } = await newPage(stack);
    onTestFailed(async () => {
      await page.screenshot({ path: failureScreenshotPath(ctx.task.name) }).catch(() => {});
    });
    try {
      await signInWithMfa(page, admin);
      await page.getByRole('link', { name: 'Settings' }).click();
      const card = page.getByTestId('number-card');
      await card.waitFor();
      await expect.poll(() => card.textContent()).toContain('(in imported history)');
      // Counted from the imported business message two days ago, not "No app activity seen yet".
      expect(await card.getByTestId('days-left').textContent()).toMatch(
        /1[12] days left before the 14-day rule/,
      );
      expect(await card.textContent()).not.toContain('No app activity seen yet');
    } finally {
      await context.close();
    }
  });

  it('runs demo traffic in which the owner types on the phone, shown as sent from the Business App', async (ctx) => {
    const agent = await createUser(stack, { name: 'Maria Lopez', role: 'agent' });
    const { context, page } = await newPage(stack);
    onTestFailed(async () => {
      await page.screenshot({ path: failureScreenshotPath(ctx.task.name) }).catch(() => {});
    });
    try {
      await signIn(page, agent);
      await page.getByTestId('conversation-list').or(page.getByText('No conversations here.')).waitFor();
      await page
        .getByRole('radiogroup', { name: 'Whose conversations' })
        .getByText('All', { exact: true })
        .click();
      await stack.sandbox.control.startTraffic({
        customers: 3,
        ratePerSec: 2,
        total: 40,
        mix: {
          text: 50,
          owner: 50,
          image: 0,
          audio: 0,
          document: 0,
          location: 0,
          reaction: 0,
          interactive: 0,
        },
      });
      // An owner's message from the phone arrives as an echo: open its conversation and see it.
      const echoed = await (async () => {
        for (;;) {
          const rows = page.getByTestId('conversation-row');
          for (let i = 0; i < (await rows.count()); i++) {
            await rows.nth(i).click();
            const echo = page.locator('[data-testid="message"][data-origin="business_app"]');
            if (
              await echo
                .first()
                .isVisible()
                .catch(() => false)
            )
              return echo.first();
            await page.waitForTimeout(300);
            if (
              await echo
                .first()
                .isVisible()
                .catch(() => false)
            )
              return echo.first();
          }
          await page.waitForTimeout(500);
        }
      })();
      expect(await echoed.getByTestId('message-origin').textContent()).toContain('Business App');
      await page.screenshot({ path: screenshotPath('inbox-owner-typing') });
    } finally {
      await stack.sandbox.control.stopTraffic();
      await context.close();
    }
  });
});
