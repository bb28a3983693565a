import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from '../hub.ts';
import { signBody } from '../meta-webhooks/webhook.endpoint.ts';
import { startWebhookWorker } from '../meta-webhooks/webhook.worker.ts';
import { APP_SECRET, buildTestApp, type TestApp } from '../testing/test-app.ts';
import { envelope } from '../testing/webhook-harness.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function inbound(i: number): string {
  const from = `1650555${String(2000 + (i % 5))}`;
  return envelope('messages', {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
    contacts: [{ profile: { name: `Customer ${i % 5}` }, wa_id: from }],
    // Long texts fill the file quickly.
    messages: [
      {
        from,
        id: `wamid.FULL${i}`,
        timestamp: String(1_750_000_000 + i),
        type: 'text',
        text: { body: `m${i} ${'x'.repeat(3000)}` },
      },
    ],
  });
}

describe('the hub on a SQLite file whose disk is full', () => {
  let t: TestApp;
  let worker: Worker;

  beforeAll(async () => {
    t = await buildTestApp('sqlite');
  });

  afterAll(async () => {
    await worker?.stop();
    await t?.close();
  });

  const post = async (i: number) => {
    const payload = inbound(i);
    const res = await t.app.inject({
      method: 'POST',
      url: '/webhooks/meta',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(APP_SECRET, payload) },
      payload,
    });
    return { status: res.statusCode, code: res.statusCode === 200 ? null : res.json().error.code };
  };

  it('answers 503 while nothing can be written, never fails an event for it, and catches up once there is room', async () => {
    const acked = new Set<number>();
    for (let i = 0; i < 10; i++) if ((await post(i)).status === 200) acked.add(i);
    expect(acked.size).toBe(10);

    // The file may not grow any more: the disk is full, as far as SQLite can tell.
    const [{ page_count }] = (await sql<{ page_count: number }>`pragma page_count`.execute(t.db)).rows as [
      { page_count: number },
    ];
    await sql.raw(`pragma max_page_count = ${page_count}`).execute(t.db);
    // Processing needs room too: what was stored before must wait, pending, not be given up on.
    worker = await startWebhookWorker(t.deps, { pollMs: 20 });
    await sleep(300);
    const whileFull = await t.db.selectFrom('webhook_events').select(['state', 'attempts']).execute();
    expect(whileFull.filter((e) => e.state === 'failed')).toEqual([]);
    expect(whileFull.some((e) => e.state === 'pending' && e.attempts > 1)).toBe(true);
    const refused: number[] = [];
    for (let i = 10; i < 200 && refused.length < 5; i++) {
      const answer = await post(i);
      if (answer.status === 200) acked.add(i);
      else {
        expect(answer).toEqual({ status: 503, code: 'DATABASE_UNAVAILABLE' });
        refused.push(i);
      }
    }
    expect(refused.length).toBe(5);
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

    await sql.raw('pragma max_page_count = 1073741823').execute(t.db);
    // Meta redelivers what was refused.
    for (const i of refused) {
      expect((await post(i)).status).toBe(200);
      acked.add(i);
    }
    const deadline = Date.now() + 20_000;
    for (;;) {
      const stored = await t.db
        .selectFrom('messages')
        .select('wamid')
        .where('wamid', 'like', 'wamid.FULL%')
        .execute();
      const events = await t.db.selectFrom('webhook_events').select(['state']).execute();
      if (stored.length === acked.size && events.every((e) => e.state === 'processed')) {
        expect(events.filter((e) => e.state === 'failed')).toEqual([]);
        for (const i of acked) expect(stored.map((s) => s.wamid)).toContain(`wamid.FULL${i}`);
        break;
      }
      if (Date.now() > deadline) {
        const states = events.reduce<Record<string, number>>((m, e) => {
          m[e.state] = (m[e.state] ?? 0) + 1;
          return m;
        }, {});
        throw new Error(`${stored.length}/${acked.size} stored; events ${JSON.stringify(states)}`);
      }
      await sleep(50);
    }
  });
});
