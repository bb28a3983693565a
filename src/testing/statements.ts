import type { Kysely, KyselyPlugin, RootOperationNode, Transaction } from 'kysely';

/**
 * Counts the SELECT statements that read each of `tables` (in their FROM clause) through
 * `db.withPlugin(counter.plugin)`: for tests of subscribers that read once per slice what they
 * used to read once per event.
 */
export function selectCounter(tables: readonly string[]) {
  const counts = new Map<string, number>();
  const plugin: KyselyPlugin = {
    transformQuery({ node }) {
      const root = node as RootOperationNode & { kind: string; from?: { froms: unknown[] } };
      if (root.kind === 'SelectQueryNode') {
        const from = JSON.stringify(root.from?.froms ?? []);
        for (const t of tables) if (from.includes(`"${t}"`)) counts.set(t, (counts.get(t) ?? 0) + 1);
      }
      return node;
    },
    async transformResult({ result }) {
      return result;
    },
  };
  return {
    plugin,
    /** How many SELECTs read `table` since the counter was made or reset. */
    of: (table: string) => counts.get(table) ?? 0,
    reset: () => counts.clear(),
  };
}

const ROLLBACK = Symbol('rollback');

/**
 * Runs `work` in a transaction that is then rolled back, and returns what `look` read at its end:
 * two ways of handling the same events can each be tried on one database and compared.
 */
export async function triedAndRolledBack<S, T>(
  db: Kysely<S>,
  work: (trx: Transaction<S>) => Promise<void>,
  look: (trx: Transaction<S>) => Promise<T>,
): Promise<T> {
  let seen: T | undefined;
  await db
    .transaction()
    .execute(async (trx) => {
      await work(trx);
      seen = await look(trx);
      throw ROLLBACK;
    })
    .catch((error: unknown) => {
      if (error !== ROLLBACK) throw error;
    });
  return seen as T;
}
