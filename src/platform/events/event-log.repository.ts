import type { Kysely } from 'kysely';
import type { EventTables } from './event.table.ts';
import { oldestEventNotPassed } from './subscriber-failure.queries.ts';

/**
 * Deletes events older than `before` that every durable subscriber in `subscribers` has passed and
 * no set-aside failure still needs, in slices. Returns how many were deleted. An open failure keeps
 * its own event only: one event a subscriber gave up on must not keep the whole log from then on.
 */
export async function pruneEventLog(
  db: Kysely<EventTables>,
  input: { subscribers: readonly string[]; before: number; slice?: number },
): Promise<number> {
  const keepFrom = await oldestEventNotPassed(db, input.subscribers);
  const slice = input.slice ?? 5_000;
  let deleted = 0;
  for (;;) {
    const ids = db
      .selectFrom('domain_events')
      .select('id')
      .where('created_at', '<', input.before)
      .$if(keepFrom !== null, (q) => q.where('id', '<', keepFrom as number))
      .where('id', 'not in', (qb) =>
        qb.selectFrom('subscriber_failures').select('event_id').where('state', 'in', ['retrying', 'failed']),
      )
      .orderBy('id')
      .limit(slice);
    const result = await db.deleteFrom('domain_events').where('id', 'in', ids).executeTakeFirst();
    const n = Number(result.numDeletedRows);
    deleted += n;
    if (n < slice) return deleted;
  }
}
