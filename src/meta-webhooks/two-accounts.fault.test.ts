import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { AppDeps } from '../app-deps.ts';
import { createTestDatabase, testDialects } from '../testing/databases.ts';
import { createWebhookHarness, envelope } from '../testing/webhook-harness.ts';
import { startWebhookWorker } from './webhook.worker.ts';

/*
 * Issue 9 item 2: two business accounts processed concurrently on PostgreSQL (two nodes, two
 * transactions each, batches mixing both accounts). Per-account locks taken event by event inside
 * a multi-event transaction are taken in opposite orders by two transactions: deadlocks, and after
 * a few quick retries an event was marked EVENT_PROCESSING_FAILED with its acknowledged messages
 * kept out of the inbox. Locks are now taken for the whole batch in one global order.
 */

const ACCOUNTS = [
  { waba: '200000000000001', pn: '300000000000001', display: '15550000001' },
  { waba: '200000000000002', pn: '300000000000002', display: '15550000002' },
];

/** A seeded PRNG so a failing order can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function bodies(count: number, seed: number): { body: string; wamid: string }[] {
  const rand = rng(seed);
  return Array.from({ length: count }, (_, n) => {
    const a = ACCOUNTS[rand() < 0.5 ? 0 : 1] as (typeof ACCOUNTS)[number];
    const customer = `1650555${String(1000 + Math.floor(rand() * 20))}`;
    const wamid = `wamid.TWO${a.pn}.${n}`;
    const value = {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: a.display, phone_number_id: a.pn },
      contacts: [{ profile: { name: `Customer ${customer}` }, wa_id: customer }],
      messages: [
        {
          from: customer,
          id: wamid,
          timestamp: String(1_750_000_000 + n),
          type: 'text',
          text: { body: `m${n}` },
        },
      ],
    };
    return { body: envelope('messages', value, a.waba), wamid };
  });
}

/** Deadlocks PostgreSQL detected in a database (its statistics, read once its backends have gone). */
async function deadlocksIn(url: string): Promise<number> {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const r = await admin.query<{ deadlocks: string }>(
      'select deadlocks from pg_stat_database where datname = $1',
      [name],
    );
    return Number(r.rows[0]?.deadlocks ?? 0);
  } finally {
    await admin.end();
  }
}

describe.each(testDialects.filter((d) => d === 'postgres'))(
  'two business accounts processed concurrently on %s',
  (dialect) => {
    it('deadlocks never, marks no event failed, and puts every acknowledged message in the inbox', async () => {
      const database = await createTestDatabase(dialect);
      const h = await createWebhookHarness(database);
      const workers: { stop(): Promise<void> }[] = [];
      let open = true;
      const closeApp = async () => {
        if (open) await h.close();
        open = false;
      };
      try {
        const sent = bodies(400, 4242);
        for (const { body } of sent) expect((await h.post(body)).statusCode).toBe(200);
        const nodeB: AppDeps = { ...h.deps, config: { ...h.deps.config, nodeId: 'node-b' } };
        const options = { parallel: 2, batchSize: 6, pollMs: 10, maxDeferMs: 0 };
        workers.push(await startWebhookWorker(h.deps, options), await startWebhookWorker(nodeB, options));
        const deadline = Date.now() + 90_000;
        for (;;) {
          const pending = await database.db
            .selectFrom('webhook_events')
            .select('id')
            .where('state', '=', 'pending')
            .execute();
          if (pending.length === 0) break;
          if (Date.now() > deadline) throw new Error(`${pending.length} events still pending`);
          await new Promise((r) => setTimeout(r, 50));
        }
        for (const w of workers.splice(0)) await w.stop();

        const failures = await database.db
          .selectFrom('processing_failures')
          .select(['code', 'message'])
          .execute();
        expect(failures).toEqual([]);
        const failed = await database.db
          .selectFrom('webhook_events')
          .select('id')
          .where('state', '=', 'failed')
          .execute();
        expect(failed).toEqual([]);
        const stored = await database.db.selectFrom('messages').select('wamid').execute();
        expect(new Set(stored.map((m) => m.wamid))).toEqual(new Set(sent.map((s) => s.wamid)));
        await closeApp();
        await database.close();
        // Backends report their statistics as they exit; give the last ones a moment.
        await new Promise((r) => setTimeout(r, 500));
        expect(await deadlocksIn(database.url)).toBe(0);
      } finally {
        for (const w of workers) await w.stop();
        await closeApp();
        await database.destroy();
      }
    }, 120_000);
  },
);
