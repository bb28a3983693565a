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
} from './harness.ts';

const DAY = 86_400_000;
const CUSTOMER = { waId: '16505554321', name: 'Carla Mendes' };

/** Customer messages as Meta delivers them, each with its own (possibly old) timestamp. */
function customerMessages(messages: { id: string; at: number; text: string }[]): string {
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
              contacts: [{ profile: { name: CUSTOMER.name }, wa_id: CUSTOMER.waId }],
              messages: messages.map((m) => ({
                from: CUSTOMER.waId,
                id: m.id,
                timestamp: String(Math.floor(m.at / 1000)),
                type: 'text',
                text: { body: m.text },
              })),
            },
          },
        ],
      },
    ],
  });
}

/** One history chunk (Meta's `history` field) with one imported thread of `waId`. */
function historyThread(
  waId: string,
  messages: { id: string; at: number; text: string; fromBusiness: boolean }[],
): string {
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
                  metadata: { phase: 1, chunk_order: 1, progress: 50 },
                  threads: [
                    {
                      id: waId,
                      messages: messages.map((m) => ({
                        from: m.fromBusiness ? SANDBOX_DEFAULTS.displayPhoneNumber : waId,
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

async function postWebhook(hubUrl: string, body: string): Promise<void> {
  const res = await fetch(`${hubUrl}/webhooks/meta`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signBody(SANDBOX_DEFAULTS.appSecret, body),
    },
    body,
  });
  expect(res.status).toBe(200);
}

describe('the message timeline (issue 16: old history showed only clock times)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ customers: [CUSTOMER] });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('puts a day separator between messages of different days', async (ctx) => {
    const now = Date.now();
    const body = customerMessages([
      { id: 'wamid.OLD1', at: now - 200 * DAY, text: 'Do you have the red scarf?' },
      { id: 'wamid.OLD2', at: now - 200 * DAY + 60_000, text: 'In wool, please.' },
      { id: 'wamid.YDAY', at: now - DAY, text: 'Is my order on its way?' },
      { id: 'wamid.TODAY', at: now - 1_000, text: 'Thanks, it arrived!' },
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
    const agent = await createUser(stack, { name: 'Tina Agent', role: 'agent' });
    const { context, page } = await newPage(stack);
    onTestFailed(async () => {
      await page.screenshot({ path: failureScreenshotPath(ctx.task.name) }).catch(() => undefined);
    });
    try {
      await signIn(page, agent);
      await page
        .getByRole('radiogroup', { name: 'Whose conversations' })
        .getByText('All', { exact: true })
        .click();
      await page.getByTestId('conversation-row').filter({ hasText: CUSTOMER.name }).click();
      const timeline = page.getByTestId('message-timeline');
      await timeline.getByText('Thanks, it arrived!').waitFor();

      // Separators and messages in reading order: one separator per day, none between same-day messages.
      const sequence = await timeline
        .locator('[data-testid="day-separator"], [data-testid="message"]')
        .evaluateAll((nodes) =>
          nodes.map((n) =>
            n.getAttribute('data-testid') === 'day-separator'
              ? `— ${n.getAttribute('aria-label')}`
              : (n.textContent ?? ''),
          ),
        );
      const expectedOldDay = await page.evaluate(
        (at) =>
          new Date(at).toLocaleDateString(undefined, {
            weekday: 'long',
            day: 'numeric',
            month: 'long',
            year: 'numeric',
          }),
        now - 200 * DAY,
      );
      expect(
        sequence.map((s) => (s.startsWith('— ') ? s : s.replace(/\d{1,2}:\d{2}.*$/, '').trim())),
      ).toEqual([
        `— ${expectedOldDay}`,
        expect.stringContaining('Do you have the red scarf?'),
        expect.stringContaining('In wool, please.'),
        '— Yesterday',
        expect.stringContaining('Is my order on its way?'),
        '— Today',
        expect.stringContaining('Thanks, it arrived!'),
      ]);
      expect(expectedOldDay).toMatch(String(new Date(now - 200 * DAY).getFullYear()));
      expect(await timeline.getByRole('separator', { name: 'Yesterday' }).count()).toBe(1);
    } finally {
      await context.close();
    }
  });

  it('shows an imported thread with its last message and time, resolved, since its first message, and finds it by accent-free search', async (ctx) => {
    const now = Date.now();
    const waId = '34611222333';
    await postWebhook(
      stack.hub.url,
      historyThread(waId, [
        {
          id: 'wamid.IMP1',
          at: now - 100 * DAY,
          text: 'Hola, ¿tenéis el abrigo azul en la talla M?',
          fromBusiness: false,
        },
        {
          id: 'wamid.IMP2',
          at: now - 99 * DAY,
          text: 'Sí, nos queda uno en azul marino.',
          fromBusiness: true,
        },
      ]),
    );
    const agent = await createUser(stack, { name: 'Ines Agent', role: 'agent' });
    const { context, page } = await newPage(stack);
    onTestFailed(async () => {
      await page.screenshot({ path: failureScreenshotPath(ctx.task.name) }).catch(() => undefined);
    });
    try {
      await signIn(page, agent);
      await page
        .getByRole('radiogroup', { name: 'Whose conversations' })
        .getByText('All', { exact: true })
        .click();
      const imported = page
        .getByTestId('conversation-row')
        .filter({ hasText: 'nos queda uno en azul marino' });
      // Landed resolved: not among the open ones, with its preview and its time among the resolved.
      await page.getByTestId('conversation-list').or(page.getByText('No conversations here.')).waitFor();
      expect(await imported.count()).toBe(0);
      await page.locator('input[aria-label="Status"]').click();
      await page.getByRole('option', { name: 'Resolved', exact: true }).click();
      await imported.waitFor();
      const expectedDay = await page.evaluate(
        (at) => new Date(at).toLocaleDateString([], { day: 'numeric', month: 'short' }),
        now - 99 * DAY,
      );
      expect(await imported.textContent()).toContain(expectedDay);
      await imported.click();
      const since = page.getByRole('row', { name: /Since/ });
      const expectedSince = await page.evaluate(
        (at) => new Date(at).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' }),
        Math.floor((now - 100 * DAY) / 1000) * 1000,
      );
      await expect.poll(() => since.textContent()).toContain(expectedSince);

      // Search: case and accents do not matter, the words found are marked.
      await page.getByRole('searchbox', { name: 'Search conversations' }).fill('TENEIS abrigo');
      const hit = page.getByTestId('search-message').filter({ hasText: 'talla M' });
      await hit.waitFor();
      expect(await hit.locator('mark').allTextContents()).toEqual(['tenéis', 'abrigo']);
      await page.screenshot({ path: screenshotPath('inbox-search') });
      await page.getByRole('searchbox', { name: 'Search conversations' }).fill('');
    } finally {
      await context.close();
    }
  });
});
