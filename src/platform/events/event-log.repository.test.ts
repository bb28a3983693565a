import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../../testing/databases.ts';
import type { EventTables } from './event.table.ts';
import { pruneEventLog } from './event-log.repository.ts';
import { recordEvents } from './record-event.ts';

describe.each(testDialects)('event log prune on %s', (dialect) => {
  let database: TestDatabase;
  let db: Kysely<EventTables>;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    db = database.db as unknown as Kysely<EventTables>;
  });
  afterEach(async () => {
    await database.destroy();
  });

  const ids = async () =>
    (await db.selectFrom('domain_events').select('id').orderBy('id').execute()).map((r) => Number(r.id));

  it('deletes only old events every subscriber has passed and no failure still needs', async () => {
    const alert = (i: number) => ({
      type: 'alert.raised' as const,
      phoneNumberId: null,
      payload: { alert_id: `a${i}`, code: 'X' },
    });
    await recordEvents(db, [1, 2, 3, 4, 5, 6].map(alert), 1_000);
    await recordEvents(db, [7, 8].map(alert), 9_000);
    const [, , e3, , e5, e6, e7, e8] = await ids();
    const cursor = (subscriber: string, position: number) => ({
      subscriber,
      position,
      lease_owner: null,
      lease_until: null,
      updated_at: 0,
    });

    // A declared subscriber without a cursor yet may want everything: nothing goes.
    expect(await pruneEventLog(db, { subscribers: ['a'], before: 5_000 })).toBe(0);

    await db
      .insertInto('event_cursors')
      .values([cursor('a', e5 as number), cursor('b', e8 as number)])
      .execute();
    await db
      .insertInto('subscriber_failures')
      .values({
        subscriber: 'b',
        event_id: e3 as number,
        event_type: 'alert.raised',
        phone_number_id: null,
        state: 'retrying',
        attempts: 1,
        error: 'x',
        next_attempt_at: 0,
        created_at: 0,
        updated_at: 0,
        resolved_at: null,
      })
      .execute();
    // Subscriber a has passed 1..5 and b owes event 3 a retry: 3 stays, the others a passed go.
    expect(await pruneEventLog(db, { subscribers: ['a', 'b'], before: 5_000, slice: 1 })).toBe(4);
    expect(await ids()).toEqual([e3, e6, e7, e8]);

    await db.updateTable('subscriber_failures').set({ state: 'failed' }).execute();
    await db
      .updateTable('event_cursors')
      .set({ position: e8 as number })
      .execute();
    // One given up on stays too (an operator may retry it) and holds nothing after it back; 7 and 8
    // are too recent however far the cursors are.
    expect(await pruneEventLog(db, { subscribers: ['a', 'b'], before: 5_000 })).toBe(1);
    expect(await ids()).toEqual([e3, e7, e8]);
    await db.updateTable('subscriber_failures').set({ state: 'resolved' }).execute();
    expect(await pruneEventLog(db, { subscribers: ['a', 'b'], before: 5_000 })).toBe(1);
    expect(await ids()).toEqual([e7, e8]);
  });
});
