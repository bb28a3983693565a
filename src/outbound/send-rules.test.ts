import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordConsent } from '../consent/consent-ledger.ts';
import { testDialects } from '../testing/databases.ts';
import { type OutboundEnv, PNID, SEASONAL_PROMO, startOutboundEnv } from '../testing/sandbox-env.ts';
import { beginIdempotent } from './idempotency.ts';

describe.each(testDialects)('what is refused before anything is queued (%s)', (dialect) => {
  let env: OutboundEnv;
  let conversationId: string;
  beforeAll(async () => {
    env = await startOutboundEnv(dialect);
    await env.customerWrites('16505551234');
    conversationId = (await env.db.db.selectFrom('conversations').select('id').executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => {
    await env?.close();
  });
  const send = (body: Record<string, unknown>, headers?: Record<string, string>) =>
    env.api('POST', '/api/messages', { conversation_id: conversationId, ...body }, headers);
  const queuedJobs = async () =>
    Number(
      (
        await env.db.db
          .selectFrom('outbox_jobs')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("checks Meta's limits with clear errors", async () => {
    const before = await queuedJobs();
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'text', text: { body: 'x'.repeat(4097) } }, 'at most 4096'],
      [
        {
          type: 'interactive',
          interactive: {
            type: 'button',
            body: { text: 'b' },
            action: {
              buttons: ['a', 'b', 'c', 'd'].map((id) => ({ type: 'reply', reply: { id, title: id } })),
            },
          },
        },
        'at most 3 buttons',
      ],
      [
        {
          type: 'interactive',
          interactive: {
            type: 'button',
            body: { text: 'b' },
            action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'x'.repeat(21) } }] },
          },
        },
        'at most 20 characters',
      ],
      [
        {
          type: 'interactive',
          interactive: {
            type: 'list',
            body: { text: 'b' },
            action: {
              button: 'Open',
              sections: [
                { title: 'S1', rows: Array.from({ length: 6 }, (_, i) => ({ id: `a${i}`, title: `A${i}` })) },
                { title: 'S2', rows: Array.from({ length: 5 }, (_, i) => ({ id: `b${i}`, title: `B${i}` })) },
              ],
            },
          },
        },
        'at most 10 rows',
      ],
      [{ type: 'image', image: { caption: 'no media' } }, 'exactly one of media_id or link'],
      [{ type: 'sticker' }, 'sticker'],
    ];
    for (const [body, text] of cases) {
      const res = await send(body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(res.body.error)).toContain(text);
    }
    const noRecipient = await env.api('POST', '/api/messages', { type: 'text', text: { body: 'x' } });
    expect(noRecipient.body.error.code).toBe('VALIDATION_FAILED');
    expect(await queuedJobs()).toBe(before);
  });

  it('refuses free-form messages outside the window with when it closed and a hint', async () => {
    const closedAt = Date.now() - 60_000;
    await env.db.db
      .updateTable('conversations')
      .set({ window_expires_at: closedAt })
      .where('id', '=', conversationId)
      .execute();
    const res = await send({ type: 'text', text: { body: 'late' } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('MESSAGE_WINDOW_CLOSED');
    expect(res.body.error.details.closed_at).toBe(new Date(closedAt).toISOString());
    expect(res.body.error.details.hint).toMatch(/template/);
    const fresh = await env.api('POST', '/api/messages', {
      phone_number_id: PNID,
      to: '+447700900123',
      type: 'text',
      text: { body: 'hi' },
    });
    expect(fresh.body.error.code).toBe('MESSAGE_WINDOW_CLOSED');
    expect(fresh.body.error.details.closed_at).toBeNull();
    // A template still goes out with the window closed.
    const tpl = await send({ type: 'template', template: { name: 'hello_world', language: 'en_US' } });
    expect(tpl.status).toBe(202);
  });

  it('checks templates: found, approved, parameters by count or by name, consent', async () => {
    const notFound = await send({ type: 'template', template: { name: 'nope', language: 'en_US' } });
    expect(notFound.body.error.code).toBe('TEMPLATE_NOT_FOUND');
    await env.db.db
      .updateTable('templates')
      .set({ status: 'PAUSED' })
      .where('name', '=', 'appointment_reminder')
      .execute();
    const paused = await send({
      type: 'template',
      template: { name: 'appointment_reminder', language: 'en_US' },
    });
    expect(paused.body.error.code).toBe('TEMPLATE_NOT_APPROVED');
    const named = await send({
      type: 'template',
      template: { name: 'order_confirmation', language: 'en_US', parameters: { first_name: 'Jessica' } },
    });
    expect(named.body.error.code).toBe('TEMPLATE_PARAMETERS_INVALID');
    expect(named.body.error.message).toContain('order_number');
    const namedOk = await send({
      type: 'template',
      template: {
        name: 'order_confirmation',
        language: 'en_US',
        parameters: { first_name: 'Jessica', order_number: 'SKBUP2' },
      },
    });
    expect(namedOk.status, JSON.stringify(namedOk.body)).toBe(202);
    const promo = await env.db.db
      .selectFrom('templates')
      .selectAll()
      .where('name', '=', 'seasonal_promo')
      .executeTakeFirstOrThrow();
    expect(promo.category).toBe('MARKETING');
    const promoTemplate = SEASONAL_PROMO;
    // The default policy (opt_in_required): no marketing without an opt-in in the consent ledger.
    expect((await send(promoTemplate)).body.error.code).toBe('CONTACT_NOT_OPTED_IN');
    const contact = await env.db.db.selectFrom('contacts').select('id').executeTakeFirstOrThrow();
    await env.db.db.transaction().execute((trx) =>
      recordConsent(trx, {
        contactId: contact.id,
        numberId: PNID,
        scope: 'marketing',
        action: 'opt_in',
        source: 'api',
        at: Date.now(),
      }),
    );
    const positional = await send({
      type: 'template',
      template: { name: 'seasonal_promo', language: 'en_US', parameters: ['only one'] },
    });
    expect(positional.body.error.code).toBe('TEMPLATE_PARAMETERS_INVALID');
    expect((await send(promoTemplate)).status).toBe(202);
    await env.db.db
      .updateTable('contacts')
      .set({ marketing_opt_out: 1, marketing_opt_out_at: Date.now() })
      .execute();
    const optedOut = await send(promoTemplate);
    expect(optedOut.body.error.code).toBe('CONTACT_OPTED_OUT');
    await env.db.db
      .updateTable('contacts')
      .set({ marketing_opt_out: 0, marketing_opt_out_at: null })
      .execute();
  });

  it('honours Idempotency-Key: replay, reuse with another body, in flight', async () => {
    const body = { type: 'template', template: { name: 'hello_world', language: 'en_US' } };
    const first = await send(body, { 'idempotency-key': 'k-1' });
    expect(first.status).toBe(202);
    const again = await send(body, { 'idempotency-key': 'k-1' });
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    const rows = await env.db.db
      .selectFrom('messages')
      .select('id')
      .where('id', '=', first.body.id)
      .execute();
    expect(rows).toHaveLength(1);
    const other = await send(
      { ...body, template: { name: 'hello_world', language: 'en_US', components: [] } },
      { 'idempotency-key': 'k-1' },
    );
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const principal = await env.db.db.selectFrom('api_tokens').select('id').executeTakeFirstOrThrow();
    const hashBody = { conversation_id: conversationId, ...body };
    const { requestHash } = await import('./idempotency.ts');
    await beginIdempotent(env.db.db, {
      principalId: `token:${principal.id}`,
      key: 'k-2',
      hash: requestHash('POST', '/api/messages', hashBody),
      now: Date.now(),
    });
    const inFlight = await send(body, { 'idempotency-key': 'k-2' });
    expect(inFlight.status).toBe(409);
    expect(inFlight.body.error.code).toBe('IDEMPOTENCY_KEY_IN_FLIGHT');
  });

  it('estimates costs and sums them by number, category and day', async () => {
    await env.waitFor(
      async () => {
        const rows = await env.db.db
          .selectFrom('messages')
          .select('status')
          .where('direction', '=', 'outbound')
          .execute();
        return rows.every((r) => r.status !== 'queued' && r.status !== 'sending');
      },
      'queue drained',
      60_000,
    );
    const res = await env.api('GET', `/api/costs?phone_number_id=${PNID}`);
    expect(res.status).toBe(200);
    expect(res.body.currency).toBe('USD');
    const utility = res.body.data.filter((d: { category: string }) => d.category === 'utility');
    expect(utility.length).toBeGreaterThan(0);
    expect(res.body.totals.estimated).toBeGreaterThan(0);
    expect(res.body.data[0].day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
