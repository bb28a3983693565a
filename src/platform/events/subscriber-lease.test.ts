import { type Kysely, sql, type Transaction } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../database.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../../testing/databases.ts';
import { ManualClock } from '../clock.ts';
import type { EventTables } from './event.table.ts';
import { recordEvents } from './record-event.ts';
import { defineSubscriber } from './subscriber.ts';
import { startSubscriberWorker } from './subscriber-worker.ts';

type Db = Kysely<EventTables>;

// Two nodes share one database only on PostgreSQL.
describe.each(testDialects.filter((d) => d === 'postgres'))(
  'a lease that lapses mid-handler on %s',
  (dialect) => {
    let database: TestDatabase;
    let db: Db;
    let other: ReturnType<typeof openDatabase>;
    const clock = new ManualClock();

    beforeEach(async () => {
      database = await createTestDatabase(dialect);
      db = database.db as unknown as Db;
      other = openDatabase(database.url);
      await sql`create table probe_handled (node text not null, event_id bigint not null)`.execute(db);
    });
    afterEach(async () => {
      await other.close();
      await database.destroy();
    });

    it('the other node takes over only after the running batch commits, and no event is handled twice', async () => {
      let entered: () => void = () => {};
      const inHandler = new Promise<void>((resolve) => {
        entered = resolve;
      });
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const probe = (node: string) =>
        defineSubscriber({
          name: 'probe.lease',
          types: ['alert.raised'],
          async handle(trx: Transaction<EventTables>, event) {
            if (node === 'a') {
              entered();
              await gate;
            }
            await sql`insert into probe_handled (node, event_id) values (${node}, ${event.id})`.execute(trx);
          },
        });
      const worker = (node: string, nodeDb: Db) =>
        startSubscriberWorker({
          db: nodeDb,
          clock,
          nodeId: node,
          subscribers: [probe(node)],
          leaseMs: 1_000,
          batchSize: 1,
          autoStart: false,
        });
      await db.transaction().execute((trx) =>
        recordEvents(
          trx,
          [1, 2].map((i) => ({
            type: 'alert.raised' as const,
            phoneNumberId: 'pn-1',
            payload: { alert_id: `a-${i}`, code: 'TEST' },
          })),
          clock.now(),
        ),
      );
      const a = worker('a', db);
      const b = worker('b', other.db as unknown as Db);
      try {
        const passA = a.runOnce();
        await inHandler;
        clock.advance(5_000); // A's lease has lapsed by the clock while its handler still runs
        const passB = b.runOnce();
        // B's take-over waits on the cursor row A's transaction holds: see it wait, then let A finish.
        for (;;) {
          const { rows } = await sql<{ n: number }>`
            select count(*)::int as n from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock'`.execute(db);
          if ((rows[0]?.n ?? 0) > 0) break;
          await new Promise((r) => setTimeout(r, 10));
        }
        release();
        expect(await passA).toBe(1);
        expect(await passB).toBe(1);
        expect(await a.runOnce()).toBe(0); // B holds the lease now
        const { rows } = await sql<{ node: string; event_id: number }>`
        select node, event_id from probe_handled order by event_id`.execute(db);
        expect(rows.map((r) => [r.node, Number(r.event_id)])).toEqual([
          ['a', 1],
          ['b', 2],
        ]);
      } finally {
        release();
        await a.stop();
        await b.stop();
      }
    });
  },
);
