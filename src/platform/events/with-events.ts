import type { Kysely, Transaction } from 'kysely';
import type { Signals } from './signals.ts';

/** What {@link withEvents} needs from the hub's dependencies. */
export type WithEventsDeps<Schema> = {
  readonly database: { readonly db: Kysely<Schema> };
  readonly signals: Signals;
};

/** Handed to the body of {@link withEvents}. */
export type CommitHooks = {
  /** Runs `fn` once the transaction has committed (never when it rolls back). */
  afterCommit(fn: () => void): void;
};

/**
 * The one commit protocol: runs `fn` in a transaction (record events in it with `recordEvent`),
 * and after the commit wakes this node's event readers plus whatever `afterCommit` registered.
 * Nothing is signalled when `fn` throws: the transaction rolled back and there is nothing to see.
 */
export async function withEvents<Schema, T>(
  deps: WithEventsDeps<Schema>,
  fn: (trx: Transaction<Schema>, hooks: CommitHooks) => Promise<T>,
): Promise<T> {
  const after: Array<() => void> = [];
  const result = await deps.database.db
    .transaction()
    .execute((trx) => fn(trx, { afterCommit: (f) => void after.push(f) }));
  deps.signals.emit('events');
  for (const f of after) {
    try {
      f();
    } catch {
      // A wake-up after the commit must never turn a committed change into an error for the caller.
    }
  }
  return result;
}
