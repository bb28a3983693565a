import { type Kysely, PostgresAdapter } from 'kysely';

/**
 * Whether `db` (a database or a transaction of it) speaks PostgreSQL: for code that is handed only
 * a transaction and writes fewer, larger statements there (each query is a round trip; on SQLite a
 * query is a function call and small statements cost nothing more).
 */
// biome-ignore lint/suspicious/noExplicitAny: any schema.
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
