import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase as SqliteDialectDatabase } from 'kysely';
import pg from 'pg';
import { createPostgresPool } from './postgres-pool.ts';
import { type DatabaseTimeouts, DEFAULT_DATABASE_TIMEOUTS } from './timeouts.ts';

export type Dialect = 'sqlite' | 'postgres';

/**
 * An open database: the Kysely instance, which dialect it speaks, and how to close it. The platform
 * knows no tables: `Schema` is the hub's `DB`, assembled in `src/database.ts`.
 */
export interface Database<Schema> {
  readonly db: Kysely<Schema>;
  readonly dialect: Dialect;
  close(): Promise<void>;
}

// PostgreSQL returns int8 as strings; every int8 we store is a millisecond time or a log id, well inside 2^53.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export type OpenDatabaseOptions = {
  poolSize?: number;
  /** A PostgreSQL connection the server or the network ended (idle or in use); the pool replaces it. */
  onIdleError?: (error: Error) => void;
  /** Statement, connect and SQLite lock timeouts; {@link DEFAULT_DATABASE_TIMEOUTS} when unset. */
  timeouts?: DatabaseTimeouts;
};

/**
 * Opens the database a URL names: `postgres://…` for PostgreSQL, `sqlite:<path>` for a SQLite file
 * (WAL, synchronous=FULL, so a committed transaction survives a power cut).
 */
export function openDatabase<Schema>(url: string, options: OpenDatabaseOptions = {}): Database<Schema> {
  const timeouts = options.timeouts ?? DEFAULT_DATABASE_TIMEOUTS;
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    // A connection that the server or the network ends (restart, failover, reset) must not crash
    // the process; the query in flight fails, and the pool replaces the connection.
    const pool = createPostgresPool(url, {
      poolSize: options.poolSize ?? 10,
      timeouts,
      onConnectionError: (error) => options.onIdleError?.(error),
    });
    const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  if (!url.startsWith('sqlite:')) throw new Error(`Unsupported database URL: ${url}`);
  const file = url.slice('sqlite:'.length);
  // The file, its WAL and shared-memory files (SQLite gives them the file's mode) and a folder it
  // creates are readable by the owner only.
  if (file !== ':memory:') {
    mkdirSync(dirname(resolve(file)), { recursive: true, mode: 0o700 });
    closeSync(openSync(file, 'a', 0o600));
  }
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  // Deleted content is overwritten with zeros, so purged or erased text does not linger in free pages.
  sqlite.pragma('secure_delete = ON');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma(`busy_timeout = ${Math.trunc(timeouts.busyMs)}`);
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

const STATEMENT_CACHE_SIZE = 512;

/**
 * Kysely prepares every query anew; on SQLite preparing costs as much as running a small query, and
 * the hub runs the same few hundred statements all day. Reusing prepared statements is safe here
 * because better-sqlite3 is synchronous and Kysely runs one query at a time per connection.
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDialectDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      // Kysely begins every transaction with a deferred `begin`. With a second connection to the
      // file (the webhook processing thread), a transaction that read first and then writes would
      // fail at once with SQLITE_BUSY (its snapshot is stale) instead of waiting for the lock; an
      // immediate transaction takes the write lock up front and waits for it (`busy_timeout`).
      const sql = text === 'begin' ? 'begin immediate' : text;
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql);
      } else {
        statement = sqlite.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}
