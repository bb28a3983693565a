import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../../testing/databases.ts';

describe.each(testDialects)('database on %s', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await database.destroy();
  });

  it('runs the migrations and enforces the per-number wamid unique key', async () => {
    const { db } = database;
    const row = {
      id: 'm1',
      phone_number_id: 'p1',
      conversation_id: 'c1',
      contact_id: 'k1',
      wamid: 'wamid.A',
      direction: 'inbound' as const,
      origin: 'customer' as const,
      type: 'text',
      content_json: '{}',
      timestamp: 1_700_000_000_000,
      received_at: 1_700_000_000_000,
      status: 'received' as const,
    };
    await db.insertInto('messages').values(row).execute();
    await expect(
      db
        .insertInto('messages')
        .values({ ...row, id: 'm2' })
        .execute(),
    ).rejects.toThrow();
    await db
      .insertInto('messages')
      .values({ ...row, id: 'm3', phone_number_id: 'p2' })
      .execute();
    const count = await db
      .selectFrom('messages')
      .select((e) => e.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(2);
  });

  it('returns millisecond times as numbers', async () => {
    const { db } = database;
    const big = Date.UTC(2026, 10, 25);
    await db
      .insertInto('domain_events')
      .values({ type: 't', phone_number_id: null, payload_json: '{}', created_at: big })
      .execute();
    const row = await db.selectFrom('domain_events').selectAll().executeTakeFirstOrThrow();
    expect(row.created_at).toBe(big);
    expect(typeof row.id).toBe('number');
  });
});
