import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Database, openDatabase } from '../database.ts';
import type { Dialect } from '../platform/db/database.ts';
import { migrateToLatest } from '../platform/db/migrate.ts';

/**
 * Every database test runs on each of these. `COEXIST_TEST_DIALECTS=sqlite` narrows it while
 * developing; CI runs both.
 */
export const testDialects: readonly Dialect[] = (process.env.COEXIST_TEST_DIALECTS ?? 'sqlite,postgres')
  .split(',')
  .map((d) => d.trim())
  .filter((d): d is Dialect => d === 'sqlite' || d === 'postgres');

const pgAdminUrl = process.env.COEXIST_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type TestDatabase = Database & { readonly url: string; destroy(): Promise<void> };

/**
 * A fresh, migrated database of the given dialect: a SQLite file in a temp folder, or a new
 * PostgreSQL database. `destroy()` closes it and removes it.
 */
export async function createTestDatabase(
  dialect: Dialect,
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  let url: string;
  let drop: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'coexist-test-'));
    url = `sqlite:${join(dir, 'test.db')}`;
    drop = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const name = `coexist_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: pgAdminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const base = new URL(pgAdminUrl);
    base.pathname = `/${name}`;
    url = base.toString();
    drop = async () => {
      const c = new pg.Client({ connectionString: pgAdminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  const database = openDatabase(url);
  if (options.migrate !== false) await migrateToLatest(database.db, database.dialect);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await database.close();
  };
  return {
    ...database,
    url,
    close,
    destroy: async () => {
      await close();
      await drop();
    },
  };
}
