import type { Kysely } from 'kysely';
import type { EventTables } from './event.table.ts';

/**
 * An operator's retry of a set-aside event: back to `retrying`, due now, with a fresh set of
 * attempts. Returns false when there is no such failure or it is already resolved.
 */
export async function retrySubscriberFailure(
  db: Kysely<EventTables>,
  input: { subscriber: string; eventId: number; now: number },
): Promise<boolean> {
  const result = await db
    .updateTable('subscriber_failures')
    .set({ state: 'retrying', attempts: 0, next_attempt_at: input.now, updated_at: input.now })
    .where('subscriber', '=', input.subscriber)
    .where('event_id', '=', input.eventId)
    .where('state', '!=', 'resolved')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
