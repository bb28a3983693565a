import type { Kysely, Transaction } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../database.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../../testing/databases.ts';
import { ManualClock } from '../clock.ts';
import type { DomainEvent } from './catalogue.ts';
import type { EventTables } from './event.table.ts';
import { recordEvent } from './record-event.ts';
import { defineSubscriber } from './subscriber.ts';
import { startSubscriberWorker } from './subscriber-worker.ts';

type Db = Kysely<EventTables>;

const alert = (i: number): DomainEvent => ({
  type: 'alert.raised',
  phoneNumberId: 'pn-1',
  payload: { alert_id: `a-${i}`, code: 'TEST' },
});

/** Opens a transaction that records `event` and stays open until `finish` is called. */
async function openWriter(db: Db, event: DomainEvent, at: number) {
  let finish: (commit: boolean) => void = () => {};
  let recorded: () => void = () => {};
  const inserted = new Promise<void>((resolve) => {
    recorded = resolve;
  });
  const decided = new Promise<boolean>((resolve) => {
    finish = resolve;
  });
  const done = db
    .transaction()
    .execute(async (trx) => {
      await recordEvent(trx, event, at);
      recorded();
      if (!(await decided)) throw new Error('rolled back on purpose');
    })
    .catch(() => {});
  await inserted;
  return {
    commit: async () => {
      finish(true);
      await done;
    },
    rollBack: async () => {
      finish(false);
      await done;
    },
  };
}

// Only PostgreSQL commits concurrent writers out of id order (SQLite has one writer at a time).
describe.each(testDialects.filter((d) => d === 'postgres'))('gap-aware reading on %s', (dialect) => {
  let database: TestDatabase;
  let db: Db;
  let other: ReturnType<typeof openDatabase>;
  const clock = new ManualClock();

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    db = database.db as unknown as Db;
    other = openDatabase(database.url);
  });
  afterEach(async () => {
    await other.close();
    await database.destroy();
  });

  const subscriber = (seen: string[]) =>
    defineSubscriber({
      name: 'probe.gaps',
      types: ['alert.raised'],
      async handle(_trx: Transaction<EventTables>, event) {
        seen.push(event.payload.alert_id);
      },
    });

  const worker = (seen: string[]) =>
    startSubscriberWorker({
      db,
      clock,
      subscribers: [subscriber(seen)],
      autoStart: false,
      gapGraceMs: 10_000,
    });

  // A long transaction (a large batch, lock retries) stamps its events when it starts, so the event
  // after the gap may look old the moment it commits.
  it.each([
    ['stamped now', 0],
    ['stamped long ago', 20_000],
  ])('waits for an event committed after a later one %s, and hands both in id order', async (_, age) => {
    const seen: string[] = [];
    const reader = worker(seen);
    const slow = await openWriter(other.db as unknown as Db, alert(1), clock.now());
    try {
      await db.transaction().execute((trx) => recordEvent(trx, alert(2), clock.now() - age));
      await reader.runOnce();
      expect(seen).toEqual([]); // id 1 may still commit: the reader does not pass it
      await slow.commit();
      await reader.runOnce();
      expect(seen).toEqual(['a-1', 'a-2']);
    } finally {
      await slow.commit();
      await reader.stop();
    }
  });

  it('passes a gap left by a rolled-back transaction once the grace has passed', async () => {
    const seen: string[] = [];
    const reader = worker(seen);
    try {
      const lost = await openWriter(other.db as unknown as Db, alert(1), clock.now());
      await db.transaction().execute((trx) => recordEvent(trx, alert(2), clock.now()));
      await lost.rollBack();
      await reader.runOnce();
      expect(seen).toEqual([]);
      clock.advance(10_001);
      await reader.runOnce();
      expect(seen).toEqual(['a-2']);
    } finally {
      await reader.stop();
    }
  });
});
