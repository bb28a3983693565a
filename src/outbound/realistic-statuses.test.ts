import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../testing/databases.ts';
import { type OutboundEnv, startOutboundEnv } from '../testing/sandbox-env.ts';

// One message to each of several customers: the hub paces a single recipient to Meta's pair rate.
const CUSTOMERS = Array.from({ length: 24 }, (_, i) => `165055512${String(i).padStart(2, '0')}`);
const SENDS = CUSTOMERS.length;

// The sandbox's realistic status mode (its default) with its irregularities made frequent: a
// skipped `delivered`, `delivered` after `read`, a status twice. The hub must still end every
// message in its furthest status, as Meta's documentation asks of a receiver.
describe.each(testDialects)('statuses as Meta sends them (%s)', (dialect) => {
  let env: OutboundEnv;
  let conversationIds: string[];
  beforeAll(async () => {
    env = await startOutboundEnv(dialect, {
      sandbox: {
        statuses: 'realistic',
        statusQuirks: { skipDelivered: 0.3, reorder: 0.3, duplicate: 0.3 },
        seed: 7,
      },
    });
    for (const waId of CUSTOMERS) await env.customerWrites(waId);
    conversationIds = (await env.db.db.selectFrom('conversations').select('id').execute()).map((c) => c.id);
    expect(conversationIds).toHaveLength(SENDS);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('ends every message read, whatever was skipped, reordered or repeated on the way', async () => {
    const ids: string[] = [];
    for (const [i, conversationId] of conversationIds.entries()) {
      const res = await env.api('POST', '/api/messages', {
        conversation_id: conversationId,
        type: 'text',
        text: { body: `message ${i}` },
      });
      expect(res.status).toBe(202);
      ids.push(res.body.id as string);
    }
    const rows = await env.waitFor(
      async () => {
        const found = await env.db.db
          .selectFrom('messages')
          .select(['id', 'wamid', 'status', 'error_json'])
          .where('id', 'in', ids)
          .execute();
        return found.length === SENDS && found.every((m) => m.status === 'read') ? found : null;
      },
      'every message read',
      25_000,
    );
    expect(rows.every((m) => m.error_json === null)).toBe(true);

    // The irregularities did happen: the test would prove nothing on an ordered stream.
    const events = await env.db.db
      .selectFrom('message_status_events')
      .select(['wamid', 'status', 'id'])
      .where(
        'wamid',
        'in',
        rows.map((m) => m.wamid as string),
      )
      .orderBy('id')
      .execute();
    const byWamid = new Map<string, string[]>();
    for (const e of events) byWamid.set(e.wamid, [...(byWamid.get(e.wamid) ?? []), e.status]);
    const sequences = [...byWamid.values()];
    expect(sequences.some((s) => !s.includes('delivered'))).toBe(true);
    expect(sequences.some((s) => s.lastIndexOf('delivered') > s.indexOf('read'))).toBe(true);
    // A status delivered twice is dropped by the hub's deduplication, so look at what arrived.
    const bodies = await env.db.db.selectFrom('webhook_events').select('body').execute();
    const seen = new Map<string, number>();
    for (const { body } of bodies) {
      for (const entry of JSON.parse(body).entry ?? []) {
        for (const change of entry.changes ?? []) {
          for (const st of change.value?.statuses ?? []) {
            const key = `${st.id} ${st.status}`;
            seen.set(key, (seen.get(key) ?? 0) + 1);
          }
        }
      }
    }
    expect([...seen.values()].some((n) => n > 1)).toBe(true);
  });
});
