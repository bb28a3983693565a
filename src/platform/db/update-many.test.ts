import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../../testing/databases.ts';
import { type RowUpdate, updateMany } from './update-many.ts';

type Row = { id: string; name: string | null; unread: number; seen_at: number | null };

describe.each(testDialects)('updateMany on %s', (dialect) => {
  let database: TestDatabase;
  // biome-ignore lint/suspicious/noExplicitAny: a probe table outside the hub's schema.
  let db: Kysely<any>;
  const columns = {
    name: { type: 'text' },
    unread: { type: 'integer', mode: 'add' },
    seen_at: { type: 'bigint' },
  } as const;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    db = database.db as unknown as Kysely<unknown>;
    await db.schema
      .createTable('probe_rows')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text')
      .addColumn('unread', 'integer', (c) => c.notNull())
      .addColumn('seen_at', 'bigint')
      .execute();
  });
  afterAll(async () => {
    await database.destroy();
  });

  const reset = async (n: number) => {
    await db.deleteFrom('probe_rows').execute();
    await db
      .insertInto('probe_rows')
      .values(
        Array.from({ length: n }, (_, i) => ({ id: `r${i}`, name: `old ${i}`, unread: i, seen_at: null })),
      )
      .execute();
  };
  const rows = async (): Promise<Row[]> =>
    (await db.selectFrom('probe_rows').selectAll().orderBy('id').execute()).map((r) => ({
      id: String(r.id),
      name: r.name as string | null,
      unread: Number(r.unread),
      seen_at: r.seen_at === null ? null : Number(r.seen_at),
    }));

  it('sets and adds by id, each group of columns in its own statement, across slices of rows', async () => {
    await reset(450);
    const updates = Array.from(
      { length: 450 },
      (_, i): RowUpdate => ({
        id: `r${i}`,
        set:
          i % 3 === 0
            ? { name: `new ${i}`, unread: 2 }
            : i % 3 === 1
              ? { unread: 5, seen_at: 1_700_000_000_000 + i }
              : { name: null },
      }),
    );
    await db
      .transaction()
      .execute((trx) => updateMany(trx, { dialect, table: 'probe_rows', columns, rows: updates }));
    const after = await rows();
    const byId = new Map(after.map((r) => [r.id, r]));
    for (let i = 0; i < 450; i++) {
      const r = byId.get(`r${i}`);
      if (i % 3 === 0) expect(r).toEqual({ id: `r${i}`, name: `new ${i}`, unread: i + 2, seen_at: null });
      else if (i % 3 === 1)
        expect(r).toEqual({ id: `r${i}`, name: `old ${i}`, unread: i + 5, seen_at: 1_700_000_000_000 + i });
      else expect(r).toEqual({ id: `r${i}`, name: null, unread: i, seen_at: null });
    }
  });

  it('adds every increment of a row named twice in one call', async () => {
    await reset(2);
    await db.transaction().execute((trx) =>
      updateMany(trx, {
        dialect,
        table: 'probe_rows',
        columns,
        rows: [
          { id: 'r1', set: { unread: 1 } },
          { id: 'r1', set: { unread: 1 } },
          { id: 'r0', set: { unread: 3 } },
        ],
      }),
    );
    expect((await rows()).map((r) => r.unread)).toEqual([3, 3]);
  });

  it('refuses a column it was not told about, and leaves rows it does not name alone', async () => {
    await reset(3);
    await expect(
      updateMany(db, { dialect, table: 'probe_rows', columns, rows: [{ id: 'r0', set: { other: 1 } }] }),
    ).rejects.toThrow(/not declared/);
    await updateMany(db, { dialect, table: 'probe_rows', columns, rows: [{ id: 'r2', set: { name: 'x' } }] });
    expect((await rows()).map((r) => r.name)).toEqual(['old 0', 'old 1', 'x']);
    const { rows: count } = await sql<{ n: number }>`select count(*) as n from probe_rows`.execute(db);
    expect(Number(count[0]?.n)).toBe(3);
  });
});
