import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database, DB } from '../database.ts';

type Waiter = { body: string; path: string; resolve: (id: number) => void; reject: (e: unknown) => void };

/** Stores raw webhook bodies durably; concurrent requests share one commit (group commit). */
export type RawEventStore = {
  /** Resolves with the event id once the body is committed. */
  store(input: { body: string; path: string }): Promise<number>;
};

/**
 * A raw-body store that batches the inserts of requests arriving while a commit is in flight into
 * the next single transaction: with synchronous=FULL one fsync then acknowledges many webhooks.
 */
export function createRawEventStore(
  database: Database,
  options: { now: () => number; onCommitted?: (ids: number[]) => void; maxBatch?: number },
): RawEventStore {
  const maxBatch = options.maxBatch ?? 500;
  let queue: Waiter[] = [];
  let flushing = false;

  async function flush(): Promise<void> {
    flushing = true;
    try {
      while (queue.length > 0) {
        const batch = queue.slice(0, maxBatch);
        queue = queue.slice(batch.length);
        const receivedAt = options.now();
        try {
          const rows = await database.db
            .insertInto('webhook_events')
            .values(
              batch.map((w) => ({
                received_at: receivedAt,
                path: w.path,
                body: w.body,
                state: 'pending' as const,
              })),
            )
            .returning('id')
            .execute();
          // RETURNING gives ids in insertion order on both dialects for a single multi-row insert.
          const ids = rows.map((r) => Number(r.id)).sort((a, b) => a - b);
          batch.forEach((w, i) => {
            w.resolve(ids[i] as number);
          });
          options.onCommitted?.(ids);
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      flushing = false;
    }
  }

  return {
    store(input) {
      return new Promise<number>((resolve, reject) => {
        queue.push({ ...input, resolve, reject });
        if (!flushing) {
          flushing = true;
          setImmediate(() => void flush());
        }
      });
    },
  };
}

/** `receivedAt`: when the endpoint stored it (ms), so the worker knows how long it waited. */
export type ClaimedEvent = { id: number; body: string; attempts: number; receivedAt: number };

/**
 * Claims up to `limit` pending events for this node: unclaimed ones, or ones whose claim is older than
 * the lease (a node that died). On PostgreSQL `FOR UPDATE SKIP LOCKED` keeps nodes off each other.
 */
export async function claimPendingEvents(
  database: Database,
  input: { nodeId: string; now: number; leaseMs: number; limit: number },
): Promise<ClaimedEvent[]> {
  const { db, dialect } = database;
  const expired = input.now - input.leaseMs;
  return db.transaction().execute(async (trx) => {
    let candidates = trx
      .selectFrom('webhook_events')
      .select('id')
      .where('state', '=', 'pending')
      .where((eb) => eb.or([eb('claimed_at', 'is', null), eb('claimed_at', '<', expired)]))
      .orderBy('id')
      .limit(input.limit);
    if (dialect === 'postgres') candidates = candidates.forUpdate().skipLocked();
    const ids = (await candidates.execute()).map((r) => r.id);
    if (ids.length === 0) return [];
    const rows = await trx
      .updateTable('webhook_events')
      .set({ claimed_by: input.nodeId, claimed_at: input.now, attempts: sql<number>`attempts + 1` })
      .where('id', 'in', ids)
      .returning(['id', 'body', 'attempts', 'received_at'])
      .execute();
    return rows
      .map((r) => ({
        id: Number(r.id),
        body: r.body,
        attempts: r.attempts,
        receivedAt: Number(r.received_at),
      }))
      .sort((a, b) => a.id - b.id);
  });
}

/**
 * Renews this node's claims on events it is still working on (the worker's heartbeat), so they are
 * not taken over while it is alive. Returns how many claims were renewed.
 */
export async function renewClaims(
  database: Database,
  input: { nodeId: string; ids: readonly number[]; now: number },
): Promise<number> {
  let renewed = 0;
  for (let i = 0; i < input.ids.length; i += 500) {
    const ids = input.ids.slice(i, i + 500);
    // Rows a processing transaction holds are skipped (it is about to settle them anyway): waiting
    // for them while holding others could deadlock with it.
    const r = await database.db
      .updateTable('webhook_events')
      .set({ claimed_at: input.now })
      .where('id', 'in', (eb) => {
        let q = eb.selectFrom('webhook_events').select('id').where('id', 'in', ids);
        if (database.dialect === 'postgres') q = q.forUpdate().skipLocked();
        return q;
      })
      .where('claimed_by', '=', input.nodeId)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    renewed += Number(r.numUpdatedRows);
  }
  return renewed;
}

/** Releases this node's claims (start-up on a single-node SQLite hub: whatever it held died with it). */
export async function releaseClaims(database: Database): Promise<void> {
  await database.db
    .updateTable('webhook_events')
    .set({ claimed_by: null, claimed_at: null })
    .where('state', '=', 'pending')
    .execute();
}

/**
 * Meta redelivers an update for at most 7 days; keys of items applied before `before` can no
 * longer meet a duplicate and are deleted, in slices so no transaction grows large. (The messages
 * themselves stay unique by wamid.) Returns how many keys went.
 */
export async function pruneDedupKeys(db: Kysely<DB>, before: number, slice = 5_000): Promise<number> {
  let total = 0;
  for (;;) {
    const keys = await db
      .selectFrom('webhook_items')
      .select('dedup_key')
      .where('applied_at', '<', before)
      .limit(slice)
      .execute();
    if (keys.length === 0) return total;
    await db
      .deleteFrom('webhook_items')
      .where(
        'dedup_key',
        'in',
        keys.map((k) => k.dedup_key),
      )
      .execute();
    total += keys.length;
    if (keys.length < slice) return total;
  }
}
