import type { Kysely } from 'kysely';
import type { DomainEventRow, EventLogTables } from './event.table.ts';

/** The id of the newest committed event (0 when the log is empty): where a fresh reader starts. */
export async function latestEventId(db: Kysely<EventLogTables>): Promise<number> {
  const row = await db
    .selectFrom('domain_events')
    .select((eb) => eb.fn.max('id').as('max_id'))
    .executeTakeFirst();
  return row?.max_id === null || row?.max_id === undefined ? 0 : Number(row.max_id);
}

export type EventBatch = {
  /** Events that may be delivered now, in id order. */
  events: DomainEventRow[];
  /** The position to continue from. */
  lastId: number;
  /** True when reading stopped at a missing id that may still be committed (an open transaction). */
  stalled: boolean;
  /** True when more committed events may follow right away. */
  more: boolean;
};

/**
 * Reads the log after `afterId` without ever skipping an event that is still being committed.
 *
 * Ids come from a sequence, and on PostgreSQL a transaction can commit id 11 while id 10 is still
 * open; a reader that moved past 10 would lose it for good. So reading stops at the first missing
 * id, unless the event after the gap is older than `gapGraceMs`: then the gap is a rolled-back
 * transaction (or a pruned row) and is skipped.
 */
export async function readEventsAfter(
  db: Kysely<EventLogTables>,
  input: { afterId: number; limit: number; now: number; gapGraceMs: number },
): Promise<EventBatch> {
  const rows = await db
    .selectFrom('domain_events')
    .selectAll()
    .where('id', '>', input.afterId)
    .orderBy('id')
    .limit(input.limit)
    .execute();
  const events: DomainEventRow[] = [];
  let lastId = input.afterId;
  for (const row of rows) {
    const id = Number(row.id);
    if (id !== lastId + 1 && input.now - Number(row.created_at) < input.gapGraceMs) {
      return { events, lastId, stalled: true, more: false };
    }
    events.push({ ...row, id });
    lastId = id;
  }
  return { events, lastId, stalled: false, more: rows.length === input.limit };
}
