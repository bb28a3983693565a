import type { Kysely } from 'kysely';
import type { EventTables, SubscriberFailureRow } from './event.table.ts';

/** Thrown inside a subscriber's transaction when another node took its lease: the work rolls back. */
export class LeaseLostError extends Error {
  constructor(subscriber: string) {
    super(`subscriber ${subscriber}: the lease moved to another node`);
  }
}

type Lease = { subscriber: string; owner: string; now: number; leaseMs: number };

/**
 * Takes (or renews) a subscriber's lease for `owner` unless another node holds an unexpired one,
 * creating the cursor at `start` the first time. Returns the cursor position, or null when another
 * node runs the subscriber. On PostgreSQL the update waits for a transaction that holds the row
 * (a batch in progress), so it sees that batch's lease extension and position.
 */
export async function acquireLease(
  db: Kysely<EventTables>,
  input: Lease & { start: () => Promise<number> },
): Promise<number | null> {
  const exists = await db
    .selectFrom('event_cursors')
    .select('subscriber')
    .where('subscriber', '=', input.subscriber)
    .executeTakeFirst();
  if (!exists) {
    await db
      .insertInto('event_cursors')
      .values({
        subscriber: input.subscriber,
        position: await input.start(),
        lease_owner: null,
        lease_until: null,
        updated_at: input.now,
      })
      .onConflict((oc) => oc.column('subscriber').doNothing())
      .execute();
  }
  const row = await db
    .updateTable('event_cursors')
    .set({ lease_owner: input.owner, lease_until: input.now + input.leaseMs, updated_at: input.now })
    .where('subscriber', '=', input.subscriber)
    .where((eb) =>
      eb.or([
        eb('lease_owner', '=', input.owner),
        eb('lease_owner', 'is', null),
        eb('lease_until', '<', input.now),
      ]),
    )
    .returning('position')
    .executeTakeFirst();
  return row ? Number(row.position) : null;
}

/**
 * Moves the cursor from `from` to `to` inside the transaction that handled the events, extending
 * the lease. Compare-and-set on owner and position: a node that lost its lease (or whose position
 * moved on) throws {@link LeaseLostError}, and its handlers' writes roll back with it.
 */
export async function advanceCursor(
  trx: Kysely<EventTables>,
  input: Lease & { from: number; to: number },
): Promise<void> {
  const result = await trx
    .updateTable('event_cursors')
    .set({ position: input.to, lease_until: input.now + input.leaseMs, updated_at: input.now })
    .where('subscriber', '=', input.subscriber)
    .where('lease_owner', '=', input.owner)
    .where('position', '=', input.from)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new LeaseLostError(input.subscriber);
}

/** Confirms inside a transaction that `owner` still holds the lease (and extends it), or throws. */
export async function holdLease(trx: Kysely<EventTables>, input: Lease): Promise<void> {
  const result = await trx
    .updateTable('event_cursors')
    .set({ lease_until: input.now + input.leaseMs, updated_at: input.now })
    .where('subscriber', '=', input.subscriber)
    .where('lease_owner', '=', input.owner)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new LeaseLostError(input.subscriber);
}

/** Gives up every lease `owner` holds (a clean stop), so another node can take over at once. */
export async function releaseLeases(db: Kysely<EventTables>, owner: string): Promise<void> {
  await db
    .updateTable('event_cursors')
    .set({ lease_owner: null, lease_until: null })
    .where('lease_owner', '=', owner)
    .execute();
}

/**
 * Records one more failed attempt at an event: `retrying` with the next attempt time, or `failed`
 * once `maxAttempts` are spent. Returns the row as it now stands.
 */
export async function recordAttemptFailure(
  db: Kysely<EventTables>,
  input: {
    subscriber: string;
    event: { id: number; fact: string; phoneNumberId: string | null };
    error: string;
    maxAttempts: number;
    nextAttemptAt: (attempts: number) => number;
    now: number;
  },
): Promise<SubscriberFailureRow> {
  const existing = await db
    .selectFrom('subscriber_failures')
    .selectAll()
    .where('subscriber', '=', input.subscriber)
    .where('event_id', '=', input.event.id)
    .executeTakeFirst();
  const attempts = (existing && existing.state !== 'resolved' ? existing.attempts : 0) + 1;
  const failed = attempts >= input.maxAttempts;
  const values = {
    state: failed ? ('failed' as const) : ('retrying' as const),
    attempts,
    error: input.error.slice(0, 2000),
    next_attempt_at: failed ? null : input.nextAttemptAt(attempts),
    updated_at: input.now,
    resolved_at: null,
  };
  if (existing) {
    await db
      .updateTable('subscriber_failures')
      .set(values)
      .where('subscriber', '=', input.subscriber)
      .where('event_id', '=', input.event.id)
      .execute();
    return { ...existing, ...values };
  }
  const row: SubscriberFailureRow = {
    subscriber: input.subscriber,
    event_id: input.event.id,
    event_type: input.event.fact,
    phone_number_id: input.event.phoneNumberId,
    created_at: input.now,
    ...values,
  };
  await db.insertInto('subscriber_failures').values(row).execute();
  return row;
}

/** The set-aside events of these subscribers whose next attempt is due, by subscriber (at most `limit` each). */
export async function dueRetries(
  db: Kysely<EventTables>,
  input: { subscribers: readonly string[]; now: number; limit: number },
): Promise<Map<string, SubscriberFailureRow[]>> {
  const due = new Map<string, SubscriberFailureRow[]>();
  if (input.subscribers.length === 0) return due;
  // One query for a whole round: retries are rare, and most rounds find none.
  const rows = await db
    .selectFrom('subscriber_failures')
    .selectAll()
    .where('subscriber', 'in', input.subscribers)
    .where('state', '=', 'retrying')
    .where('next_attempt_at', '<=', input.now)
    .orderBy('event_id')
    .limit(input.limit * input.subscribers.length)
    .execute();
  for (const r of rows) {
    const list = due.get(r.subscriber) ?? [];
    if (list.length < input.limit) list.push({ ...r, event_id: Number(r.event_id) });
    due.set(r.subscriber, list);
  }
  return due;
}

/**
 * Marks a set-aside event handled, inside the transaction that handled it. Compare-and-set on the
 * attempt count, so two attempts never both count. Throws when the row moved on.
 */
export async function resolveRetry(
  trx: Kysely<EventTables>,
  input: { subscriber: string; eventId: number; attempts: number; now: number },
): Promise<void> {
  const result = await trx
    .updateTable('subscriber_failures')
    .set({ state: 'resolved', resolved_at: input.now, updated_at: input.now, next_attempt_at: null })
    .where('subscriber', '=', input.subscriber)
    .where('event_id', '=', input.eventId)
    .where('state', '=', 'retrying')
    .where('attempts', '=', input.attempts)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new LeaseLostError(input.subscriber);
}
