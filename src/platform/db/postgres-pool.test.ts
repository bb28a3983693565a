import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../../testing/databases.ts';
import { type Database, openDatabase } from './database.ts';
import { isDatabaseUnavailable } from './database-errors.ts';

const ADMIN_URL = process.env.COEXIST_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const APP_NAME = 'coexist-pool-test';

async function terminateSessions(): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [
      APP_NAME,
    ]);
  } finally {
    await admin.end();
  }
}

const pgOnly = testDialects.includes('postgres') ? describe : describe.skip;

pgOnly('the PostgreSQL pool when connections are lost or stall', () => {
  let test: TestDatabase;
  let database: Database<Record<string, never>>;
  const connectionErrors: Error[] = [];

  beforeAll(async () => {
    test = await createTestDatabase('postgres', { migrate: false });
    const url = new URL(test.url);
    url.searchParams.set('application_name', APP_NAME);
    database = openDatabase(url.toString(), {
      timeouts: { statementMs: 300, connectMs: 1_000, busyMs: 0 },
      onIdleError: (error) => connectionErrors.push(error),
    });
  });

  afterAll(async () => {
    await database?.close();
    await test?.destroy();
  });

  it('rejects the query of a connection the server terminates, keeps the process up, and serves the next one', async () => {
    // A pool whose statement timeout cannot end the query first, however busy the machine is.
    const url = new URL(test.url);
    url.searchParams.set('application_name', APP_NAME);
    const patient = openDatabase(url.toString(), {
      timeouts: { statementMs: 30_000, connectMs: 1_000, busyMs: 0 },
      onIdleError: (error) => connectionErrors.push(error),
    });
    const running = sql`select pg_sleep(20)`.execute(patient.db).then(
      () => null,
      (e: unknown) => e,
    );
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    try {
      // Wait until the query runs on the server, then end its session as pg_terminate_backend does.
      for (;;) {
        const { rows } = await admin.query(
          "select pid from pg_stat_activity where application_name = $1 and state = 'active'",
          [APP_NAME],
        );
        if (rows.length > 0) {
          await admin.query('select pg_terminate_backend($1)', [rows[0].pid]);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } finally {
      await admin.end();
    }
    const error = await running;
    expect(isDatabaseUnavailable(error)).toBe(true);
    // Reaching this line means the connection's `error` event (if node-postgres emitted one: for a
    // connection in use it races with the query's rejection) did not end the process.
    const { rows } = await sql<{ n: number }>`select 1 as n`.execute(patient.db);
    expect(rows).toEqual([{ n: 1 }]);

    // An idle connection ended by the server always reaches the listener, and the pool replaces it.
    const seen = connectionErrors.length;
    await terminateSessions();
    for (let i = 0; i < 400 && connectionErrors.length === seen; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(connectionErrors.length).toBeGreaterThan(seen);
    const again = await sql<{ n: number }>`select 3 as n`.execute(patient.db);
    expect(again.rows).toEqual([{ n: 3 }]);
    await patient.close();
  });

  it('ends a statement that runs past the statement timeout with an error marked unavailable', async () => {
    const error = await sql`select pg_sleep(2)`.execute(database.db).then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as { code?: string }).code).toBe('57014');
    expect(isDatabaseUnavailable(error)).toBe(true);
    const { rows } = await sql<{ n: number }>`select 2 as n`.execute(database.db);
    expect(rows).toEqual([{ n: 2 }]);
  });
});

describe('isDatabaseUnavailable', () => {
  const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

  it('tells a database that is away or stalled from a bad statement', () => {
    for (const e of [
      withCode('57P01'),
      withCode('08006'),
      withCode('57014'),
      withCode('ECONNREFUSED'),
      withCode('SQLITE_FULL'),
      withCode('SQLITE_IOERR_WRITE'),
      withCode('SQLITE_BUSY'),
      new Error('Connection terminated unexpectedly'),
      new Error('Query read timeout'),
      new Error('wrapped', { cause: withCode('ECONNRESET') }),
    ])
      expect(isDatabaseUnavailable(e), String(e)).toBe(true);
    for (const e of [
      withCode('23505'),
      withCode('42P01'),
      withCode('SQLITE_CONSTRAINT'),
      new Error('nope'),
      'text',
    ])
      expect(isDatabaseUnavailable(e), String(e)).toBe(false);
  });
});
