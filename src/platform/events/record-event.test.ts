import { type Generated, type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../../testing/databases.ts';
import { type DomainEvent, noticeOf } from './catalogue.ts';
import type { EventTables } from './event.table.ts';
import { insertThenRecord } from './record-event.ts';

type Probe = EventTables & { probe_rows: { id: Generated<number>; name: string } };

describe.each(testDialects)('a row and the event naming its id (%s)', (dialect) => {
  let database: TestDatabase;
  let db: Kysely<Probe>;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    db = database.db as unknown as Kysely<Probe>;
    await sql
      .raw(
        dialect === 'postgres'
          ? 'create table probe_rows (id bigserial primary key, name text not null)'
          : 'create table probe_rows (id integer primary key autoincrement, name text not null)',
      )
      .execute(db);
  });
  afterEach(async () => {
    await database.destroy();
  });

  const ran = (id: number): DomainEvent => ({
    type: 'automation.rule_ran',
    phoneNumberId: 'pn "quoted" ✓',
    payload: { run_id: id, rule_id: 'r-1', conversation_id: 'c "1"\n✓', outcome: 'done' },
  });

  it('stores the row and an event whose payload is exactly the JSON of the event with that id', async () => {
    const ids: number[] = [];
    for (const name of ['first', 'second']) {
      ids.push(
        await db
          .transaction()
          .execute((trx) =>
            insertThenRecord(trx, trx.insertInto('probe_rows').values({ name }).returning('id'), ran, 42),
          ),
      );
    }
    const rows = await db.selectFrom('probe_rows').select(['id', 'name']).orderBy('id').execute();
    expect(rows.map((r) => [Number(r.id), r.name])).toEqual([
      [ids[0], 'first'],
      [ids[1], 'second'],
    ]);
    const events = await db.selectFrom('domain_events').selectAll().orderBy('id').execute();
    expect(
      events.map((e) => [e.type, e.fact, e.phone_number_id, e.payload_json, Number(e.created_at)]),
    ).toEqual(
      ids.map((id) => [
        noticeOf('automation.rule_ran'),
        'automation.rule_ran',
        'pn "quoted" ✓',
        JSON.stringify(ran(id).payload),
        42,
      ]),
    );
  });

  it('writes neither when the transaction rolls back', async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await insertThenRecord(
          trx,
          trx.insertInto('probe_rows').values({ name: 'x' }).returning('id'),
          ran,
          1,
        );
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');
    expect(await db.selectFrom('probe_rows').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('domain_events').selectAll().execute()).toEqual([]);
  });
});
