import type { Kysely } from 'kysely';
import type { EventTables, SubscriberFailureRow, SubscriberFailureState } from './event.table.ts';

/** Subscriber failures, newest first; `open` = retrying or failed. */
export async function listSubscriberFailures(
  db: Kysely<EventTables>,
  input: {
    state: 'open' | SubscriberFailureState | 'all';
    limit: number;
    phoneNumberIds?: readonly string[] | null;
  },
): Promise<SubscriberFailureRow[]> {
  let q = db
    .selectFrom('subscriber_failures')
    .selectAll()
    .orderBy('updated_at', 'desc')
    .orderBy('event_id', 'desc');
  if (input.state === 'open') q = q.where('state', 'in', ['retrying', 'failed']);
  else if (input.state !== 'all') q = q.where('state', '=', input.state);
  if (input.phoneNumberIds) {
    const ids = [...input.phoneNumberIds];
    if (ids.length === 0) return [];
    q = q.where('phone_number_id', 'in', ids);
  }
  const rows = await q.limit(input.limit).execute();
  return rows.map((r) => ({ ...r, event_id: Number(r.event_id) }));
}

/** One subscriber's failure on one event, whatever its state, or undefined. */
export async function findSubscriberFailure(
  db: Kysely<EventTables>,
  input: { subscriber: string; eventId: number },
): Promise<SubscriberFailureRow | undefined> {
  const row = await db
    .selectFrom('subscriber_failures')
    .selectAll()
    .where('subscriber', '=', input.subscriber)
    .where('event_id', '=', input.eventId)
    .executeTakeFirst();
  return row && { ...row, event_id: Number(row.event_id) };
}

/**
 * The oldest event some durable subscriber in `subscribers` has not passed (0 when one has no
 * cursor yet: it may still want everything), or null when there are none. Set-aside events behind
 * it are kept one by one (see `pruneEventLog`), not by holding the log back.
 */
export async function oldestEventNotPassed(
  db: Kysely<EventTables>,
  subscribers: readonly string[],
): Promise<number | null> {
  if (subscribers.length === 0) return null;
  const cursors = await db
    .selectFrom('event_cursors')
    .select(['subscriber', 'position'])
    .where('subscriber', 'in', [...subscribers])
    .execute();
  if (cursors.length < subscribers.length) return 0;
  return Math.min(...cursors.map((c) => Number(c.position) + 1));
}
