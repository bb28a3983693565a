import type { Kysely } from 'kysely';

/**
 * Runs `fn` in the caller's transaction when `db` is one, otherwise in a new transaction. A
 * repository write of several statements uses it so that it stays atomic when called alone and
 * joins the transaction of a use-case that records an event with it.
 */
export function inTransaction<Schema, T>(
  db: Kysely<Schema>,
  fn: (trx: Kysely<Schema>) => Promise<T>,
): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}
