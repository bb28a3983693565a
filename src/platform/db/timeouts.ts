/**
 * How long the database may take before the hub gives up and answers with an error, so a stalled or
 * unreachable database cannot hang a request or a worker forever.
 */
export type DatabaseTimeouts = Readonly<{
  /** One statement (PostgreSQL `statement_timeout`, lock waits included); the client waits a little longer. */
  statementMs: number;
  /** Opening a PostgreSQL connection, or waiting for a free one in the pool. */
  connectMs: number;
  /** SQLite: how long a write waits for the file's write lock (`busy_timeout`). */
  busyMs: number;
}>;

/** The defaults of `COEXIST_DB_*_TIMEOUT_MS` (docs/configuration.md). */
export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = Object.freeze({
  statementMs: 30_000,
  connectMs: 5_000,
  busyMs: 5_000,
});
