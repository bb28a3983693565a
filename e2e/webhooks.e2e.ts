import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { generateMasterKey } from '../src/platform/crypto/envelope.ts';
import {
  createUserWithMfa,
  failureScreenshotPath,
  newPage,
  type Stack,
  screenshotPath,
  signInWithMfa,
  startStack,
  waitUntil,
} from './harness.ts';

const ANA = { waId: '16505551234', name: 'Ana Ruiz' };

type Received = { headers: IncomingHttpHeaders; body: string };

/** A stand-in CRM on loopback: records every POST and answers 200 with a small JSON body. */
async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, seen: received.length }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/coexist`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function standardHeaders(h: IncomingHttpHeaders): Record<string, string> {
  return {
    'webhook-id': String(h['webhook-id']),
    'webhook-timestamp': String(h['webhook-timestamp']),
    'webhook-signature': String(h['webhook-signature']),
  };
}

describe('the Webhooks page against a real hub, sandbox and receiver', () => {
  let stack: Stack;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver();
    // Loopback is refused by default (SSRF protection); this stack alone allows it for the receiver.
    // Master keys too, so the secret is stored encrypted as a production hub keeps it.
    stack = await startStack({
      customers: [ANA],
      env: { COEXIST_WEBHOOK_EGRESS_ALLOW: '127.0.0.0/8', COEXIST_MASTER_KEYS: generateMasterKey('e2e') },
    });
  });

  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
  });

  it('creates an endpoint, delivers a customer message signed per Standard Webhooks, and resends it', async (ctx) => {
    const admin = await createUserWithMfa(stack, { name: 'Ada Admin', role: 'admin' });
    const { context, page } = await newPage(stack, { width: 1366, height: 1400 });
    onTestFailed(async () => {
      await page.screenshot({ path: failureScreenshotPath(ctx.task.name), fullPage: true }).catch(() => {});
    });
    try {
      await signInWithMfa(page, admin);
      const sections = page.getByRole('navigation', { name: 'Sections' });
      await sections.getByRole('link', { name: 'Webhooks', exact: true }).click();
      await page.getByRole('heading', { name: 'Webhooks', exact: true }).waitFor();
      await page.getByTestId('webhook-endpoints-empty').waitFor();

      // The form: URL, description and two event types picked from the catalogue.
      await page.getByRole('textbox', { name: 'URL' }).fill(receiver.url);
      await page.getByRole('textbox', { name: 'Description' }).fill('Stand-in CRM');
      const types = page.getByTestId('webhook-event-types');
      await types.click();
      await page.getByRole('option', { name: /^message\.status/ }).waitFor();
      await page.getByRole('option', { name: /^message\.status/ }).click();
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: 'Create endpoint' }).click();

      // The one-time secret, shown once.
      const notice = page.getByTestId('webhook-secret');
      await notice.waitFor();
      const secret = (await notice.locator('pre, code').first().textContent())?.trim() ?? '';
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
      const row = page.getByTestId('webhook-endpoints').getByRole('row').filter({ hasText: receiver.url });
      await row.waitFor();
      expect(await row.textContent()).toContain('message.received');
      expect(await row.textContent()).toContain('message.status');
      await page.getByTestId('webhook-endpoint-panel').getByTestId('webhook-deliveries-empty').waitFor();
      const column = await stack.deps.database.db
        .selectFrom('webhook_endpoints')
        .select('secret')
        .executeTakeFirstOrThrow();
      expect(column.secret).toMatch(/^v1\./);
      expect(column.secret).not.toContain(secret.slice('whsec_'.length));

      // A real event: a customer writes from the sandbox phone.
      const text = 'Hello, is my order on its way?';
      await stack.sandbox.control.customerText(ANA.waId, text);
      await waitUntil(async () => receiver.received.some((r) => r.body.includes('"message.received"')));
      const first = receiver.received.find((r) => r.body.includes('"message.received"'))!;
      const verifier = new Webhook(secret);
      const payload = verifier.verify(first.body, standardHeaders(first.headers)) as {
        type: string;
        data: { message_id: string; wamid: string | null; content_type: string };
      };
      expect(payload.type).toBe('message.received');
      // It names the message the customer just wrote, as the hub stored it.
      const stored = await stack.deps.database.db
        .selectFrom('messages')
        .select(['id', 'wamid', 'content_json'])
        .where('id', '=', payload.data.message_id)
        .executeTakeFirstOrThrow();
      expect(stored.content_json).toContain(text);
      expect(payload.data.wamid).toBe(stored.wamid);
      expect(payload.data.content_type).toBe('text');
      // A wrong secret does not verify: the check above is not vacuous.
      expect(() =>
        new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(
          first.body,
          standardHeaders(first.headers),
        ),
      ).toThrow();
      const webhookId = String(first.headers['webhook-id']);

      // The log shows it with request and response.
      const deliveries = page.getByTestId('webhook-deliveries');
      const delivery = deliveries.getByRole('row').filter({ hasText: 'message.received' });
      await delivery.filter({ hasText: 'succeeded' }).waitFor({ timeout: 15_000 });
      await delivery.click();
      const detail = page.getByTestId('webhook-delivery-detail');
      await detail.waitFor();
      expect(await detail.textContent()).toContain(payload.data.message_id);
      const attempts = detail.getByTestId('webhook-attempt');
      await attempts.first().waitFor();
      expect(await attempts.count()).toBe(1);
      expect(await attempts.first().textContent()).toContain(`webhook-id: ${webhookId}`);
      expect(await attempts.first().textContent()).toContain('HTTP 200');
      expect(await attempts.first().textContent()).toContain('"ok":true');

      // Resend: the same webhook-id again, and a second attempt in the log.
      const before = receiver.received.length;
      await detail.getByRole('button', { name: 'Resend' }).click();
      await waitUntil(async () => receiver.received.length > before);
      const again = receiver.received[before]!;
      expect(again.headers['webhook-id']).toBe(webhookId);
      expect(again.body).toBe(first.body);
      expect(verifier.verify(again.body, standardHeaders(again.headers))).toEqual(payload);
      await waitUntil(async () => (await attempts.count()) === 2);
      expect(await attempts.nth(1).textContent()).toContain('Attempt 2 (resend)');
      expect(await attempts.nth(1).textContent()).toContain(`webhook-id: ${webhookId}`);
      // The list row follows: one delivery, succeeded again in its latest round.
      await delivery.filter({ hasText: 'succeeded' }).filter({ hasText: '1 attempt · HTTP 200' }).waitFor();
      expect(await deliveries.getByRole('row').count()).toBe(2);

      await page.screenshot({ path: screenshotPath('webhooks'), fullPage: true });
    } finally {
      await context.close();
    }
  });
});
