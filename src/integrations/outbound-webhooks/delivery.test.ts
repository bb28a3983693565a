import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../testing/databases.ts';
import {
  messageReceived,
  startWebhooksFixture,
  type WebhooksFixture,
} from '../../testing/outbound-webhooks.ts';
import { outboundWebhooksSubscriber } from './fanout.subscriber.ts';
import { DISABLE_AFTER_MS, JITTER, RETRY_DELAYS_MS } from './retry-schedule.ts';

const BASE = '/api/integrations/webhooks';

describe.each(testDialects)('outbound webhook delivery (%s)', (dialect) => {
  let f: WebhooksFixture;
  afterEach(async () => {
    await f?.close();
  });

  async function api(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
    const token = await f.token();
    return f.h.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
    });
  }

  async function createEndpoint(eventTypes: string[] = ['message.received']) {
    const res = await api('POST', BASE, { url: f.url, description: 'CRM', event_types: eventTypes });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string; secret: string };
  }

  const deliveries = () =>
    f.h.db.selectFrom('webhook_deliveries').selectAll().orderBy('created_at').execute();
  const endpointRow = (id: string) =>
    f.h.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('delivers a catalogue event signed per Standard Webhooks, once per endpoint and event', async () => {
    f = await startWebhooksFixture(dialect);
    const endpoint = await createEndpoint();
    await f.record(messageReceived(1));
    await f.record({
      type: 'conversation.resolved',
      phoneNumberId: null,
      payload: { conversation_id: 'c1', actor: null },
    });
    await f.pump();

    expect(f.received).toHaveLength(1);
    const [first] = f.received;
    const payload = new Webhook(endpoint.secret).verify(
      first?.body ?? '',
      first?.headers as Record<string, string>,
    );
    expect(payload).toMatchObject({ type: 'message.received', data: { message_id: 'm1', wamid: 'wamid.1' } });
    expect(first?.headers['webhook-id']).toMatch(/^msg_\d+$/);

    // The same event handed to the subscriber again (a crash before its cursor commit) adds nothing.
    const [row] = await deliveries();
    const event = await f.h.db
      .selectFrom('domain_events')
      .selectAll()
      .where('id', '=', row?.event_id ?? 0)
      .executeTakeFirstOrThrow();
    await f.h.db.transaction().execute((trx) =>
      outboundWebhooksSubscriber.handle(trx as never, {
        id: Number(event.id),
        at: Number(event.created_at),
        ...messageReceived(1),
      }),
    );
    await f.pump();
    expect(await deliveries()).toHaveLength(1);
    expect(f.received).toHaveLength(1);

    const log = await api('GET', `${BASE}/${endpoint.id}/deliveries/${row?.id}`);
    expect(log.statusCode).toBe(200);
    const detail = log.json();
    expect(detail).toMatchObject({ state: 'succeeded', attempts: 1, last_status: 200 });
    expect(detail.attempts_log[0]).toMatchObject({ response_status: 200, response_body: 'ok' });
    expect(detail.attempts_log[0].request_headers['webhook-signature']).toMatch(/^v1,/);
    expect(JSON.stringify(detail)).not.toContain(endpoint.secret.slice(6));
  });

  it('retries on the schedule with jitter until the attempts run out, then resends by hand', async () => {
    f = await startWebhooksFixture(dialect);
    const endpoint = await createEndpoint();
    f.answer(...Array.from({ length: 8 }, () => ({ status: 500, body: 'down' })));
    await f.record(messageReceived(1));
    await f.pump();
    expect(f.received).toHaveLength(1);

    for (const [i, delay] of RETRY_DELAYS_MS.entries()) {
      const [row] = await deliveries();
      expect(row).toMatchObject({ state: 'pending', attempts: i + 1, last_status: 500 });
      const wait = Number(row?.next_attempt_at) - f.h.clock.now();
      expect(wait).toBeGreaterThanOrEqual(delay);
      expect(wait).toBeLessThanOrEqual(Math.ceil(delay * (1 + JITTER)));
      // Not a moment early.
      f.h.clock.advance(wait - 1);
      await f.pump();
      expect(f.received).toHaveLength(i + 1);
      f.h.clock.advance(1);
      await f.pump();
      expect(f.received).toHaveLength(i + 2);
    }
    const [failed] = await deliveries();
    expect(failed).toMatchObject({ state: 'failed', attempts: 8, next_attempt_at: null });
    f.h.clock.advance(24 * 3_600_000);
    await f.pump();
    expect(f.received).toHaveLength(8);

    const resend = await api('POST', `${BASE}/${endpoint.id}/deliveries/${failed?.id}/resend`);
    expect(resend.json()).toEqual({ resent: true });
    await f.pump();
    expect(f.received).toHaveLength(9);
    expect(f.received[8]?.headers['webhook-id']).toBe(f.received[0]?.headers['webhook-id']);
    const [after] = await deliveries();
    expect(after).toMatchObject({ state: 'succeeded', attempts: 1 });
    expect((await endpointRow(endpoint.id)).failing_since).toBeNull();
  });

  it('honours Retry-After when it asks for longer than the schedule', async () => {
    f = await startWebhooksFixture(dialect);
    await createEndpoint();
    f.answer({ status: 429, headers: { 'retry-after': '120' } });
    await f.record(messageReceived(1));
    await f.pump();
    const [row] = await deliveries();
    expect(Number(row?.next_attempt_at) - f.h.clock.now()).toBe(120_000);
    f.h.clock.advance(119_999);
    await f.pump();
    expect(f.received).toHaveLength(1);
    f.h.clock.advance(1);
    await f.pump();
    expect(f.received).toHaveLength(2);
  });

  it('disables the endpoint on 410 Gone, with an alert, and sends it nothing more', async () => {
    f = await startWebhooksFixture(dialect);
    const endpoint = await createEndpoint();
    f.answer({ status: 410 });
    await f.record(messageReceived(1));
    await f.pump();
    expect((await endpointRow(endpoint.id)).enabled).toBe(0);
    expect((await deliveries())[0]).toMatchObject({ state: 'failed', last_status: 410 });
    const alert = await f.h.db.selectFrom('alerts').selectAll().executeTakeFirstOrThrow();
    expect(alert.code).toBe('WEBHOOK_ENDPOINT_DISABLED');
    expect(JSON.parse(alert.details_json ?? '{}')).toMatchObject({ endpoint_id: endpoint.id });
    const shown = await api('GET', `${BASE}/${endpoint.id}`);
    expect(shown.json()).toMatchObject({ enabled: false, disabled_reason: expect.stringMatching(/410/) });

    await f.record(messageReceived(2));
    await f.pump();
    expect(f.received).toHaveLength(1);
  });

  it('disables an endpoint that has failed for 5 days, with an alert', async () => {
    f = await startWebhooksFixture(dialect);
    const endpoint = await createEndpoint();
    f.answer({ status: 500 }, { status: 500 });
    await f.record(messageReceived(1));
    await f.pump();
    const since = (await endpointRow(endpoint.id)).failing_since;
    expect(since).toBe(f.h.clock.now());

    // Another event fails just after the 5 days have passed.
    f.h.clock.advance(DISABLE_AFTER_MS);
    await f.h.db.updateTable('webhook_deliveries').set({ state: 'failed', next_attempt_at: null }).execute();
    await f.record(messageReceived(2));
    await f.pump();
    const row = await endpointRow(endpoint.id);
    expect(row).toMatchObject({ enabled: 0, disabled_reason: 'it failed for 5 days' });
    expect(await f.h.db.selectFrom('alerts').select('code').execute()).toEqual([
      { code: 'WEBHOOK_ENDPOINT_DISABLED' },
    ]);
  });

  it('signs with both secrets while a rotation overlaps, then with the new one alone', async () => {
    f = await startWebhooksFixture(dialect);
    const endpoint = await createEndpoint();
    const rotated = await api('POST', `${BASE}/${endpoint.id}/rotate-secret`, { overlap_seconds: 3600 });
    expect(rotated.statusCode).toBe(200);
    const { secret } = rotated.json() as { secret: string };
    expect(secret).not.toBe(endpoint.secret);
    await f.record(messageReceived(1));
    await f.pump();
    const [during] = f.received;
    const headers = during?.headers as Record<string, string>;
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(new Webhook(secret).verify(during?.body ?? '', headers)).toBeTruthy();
    expect(new Webhook(endpoint.secret).verify(during?.body ?? '', headers)).toBeTruthy();

    // After the overlap the old secret no longer verifies. The clock moves past it, so the
    // receiver's tolerance would refuse the timestamp: compare signatures, not verify.
    f.h.clock.advance(3_600_001);
    await f.record(messageReceived(2));
    await f.pump();
    expect(String(f.received[1]?.headers['webhook-signature']).split(' ')).toHaveLength(1);
    // With no body a rotation keeps the previous secret for the default day.
    const bare = await api('POST', `${BASE}/${endpoint.id}/rotate-secret`);
    expect(bare.statusCode).toBe(200);
    expect(Date.parse(bare.json().previous_secret_expires_at) - f.h.clock.now()).toBe(86_400_000);
  });

  it('recovers everything since a time for an endpoint that missed it', async () => {
    f = await startWebhooksFixture(dialect);
    const start = f.h.clock.now();
    const endpoint = await createEndpoint();
    const disabled = await api('PATCH', `${BASE}/${endpoint.id}`, { enabled: false });
    expect(disabled.json()).toMatchObject({ enabled: false });
    await f.record(messageReceived(1));
    await f.record(messageReceived(2));
    await f.pump();
    expect(f.received).toHaveLength(0);

    await api('PATCH', `${BASE}/${endpoint.id}`, { enabled: true });
    const recovered = await api('POST', `${BASE}/${endpoint.id}/recover`, {
      since: new Date(start).toISOString(),
    });
    expect(recovered.json()).toEqual({ created: 2, resent: 0 });
    await f.pump();
    expect(f.received.map((r) => JSON.parse(r.body).data.message_id).sort()).toEqual(['m1', 'm2']);
    // Recovering again finds nothing missing.
    const again = await api('POST', `${BASE}/${endpoint.id}/recover`, {
      since: new Date(start).toISOString(),
    });
    expect(again.json()).toEqual({ created: 0, resent: 0 });
    const list = await api('GET', `${BASE}/${endpoint.id}/deliveries?state=succeeded`);
    expect(list.json().data).toHaveLength(2);
  });

  it('records a refused egress as a failed attempt when loopback is not allowed', async () => {
    f = await startWebhooksFixture(dialect, { allowLoopback: false });
    // The API refuses an address literal at once.
    const literal = await api('POST', BASE, { url: f.url, event_types: ['message.received'] });
    expect(literal.statusCode).toBe(422);
    expect(literal.json().error.code).toBe('WEBHOOK_URL_REFUSED');
    const metadata = await api('POST', BASE, {
      url: 'http://169.254.169.254/latest',
      event_types: ['message.received'],
    });
    expect(metadata.json().error.code).toBe('WEBHOOK_URL_REFUSED');
    // A name is checked when it resolves, at delivery.
    const named = await api('POST', BASE, {
      url: f.url.replace('127.0.0.1', 'localhost'),
      event_types: ['message.received'],
    });
    expect(named.statusCode).toBe(201);
    await f.record(messageReceived(1));
    await f.pump();
    expect(f.received).toHaveLength(0);
    const [row] = await deliveries();
    expect(row).toMatchObject({ state: 'pending', attempts: 1, last_status: null });
    expect(row?.last_error).toMatch(/^refused: localhost resolves to/);
  });

  it('is for admins only and validates event types against the catalogue', async () => {
    f = await startWebhooksFixture(dialect);
    const agent = await f.h.token({ role: 'agent' });
    const refused = await f.h.app.inject({
      method: 'GET',
      url: BASE,
      headers: { authorization: `Bearer ${agent}` },
    });
    expect(refused.statusCode).toBe(403);
    const bad = await api('POST', BASE, { url: f.url, event_types: ['no.such_event'] });
    expect(bad.statusCode).toBe(400);
    const types = await api('GET', '/api/integrations/event-types');
    expect(types.json().data.map((t: { type: string }) => t.type)).toContain('conversation.assigned');
  });
});
