import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import { isoOrNull, parseJsonOr } from '../messages/message.mapper.ts';
import type { DomainEventRow } from '../platform/events/event.table.ts';

/** A domain event as the stream and `GET /api/events?since=` send it. */
export type ApiEvent = {
  id: string;
  type: string;
  phone_number_id: string | null;
  created_at: string | null;
  payload: unknown;
};

export function toApiEvent(row: DomainEventRow): ApiEvent {
  return {
    id: String(row.id),
    type: row.type,
    phone_number_id: row.phone_number_id,
    created_at: isoOrNull(row.created_at),
    payload: parseJsonOr<unknown>(row.payload_json, {}),
  };
}

/** The id of the newest committed event (0 when the log is empty): where a fresh stream starts. */
export async function latestEventId(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('domain_events')
    .select((eb) => eb.fn.max('id').as('max_id'))
    .executeTakeFirst();
  return row?.max_id === null || row?.max_id === undefined ? 0 : Number(row.max_id);
}

export type EventBatch = {
  /** Events that may be delivered now, in id order (before filtering by access). */
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
 * transaction (or a deleted row) and is skipped.
 */
export async function readEventsAfter(
  db: Kysely<DB>,
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
    if (id !== lastId + 1 && input.now - row.created_at < input.gapGraceMs) {
      return { events, lastId, stalled: true, more: false };
    }
    events.push({ ...row, id });
    lastId = id;
  }
  return { events, lastId, stalled: false, more: rows.length === input.limit };
}

/** Whether a principal that sees `visible` numbers (`null` = all) may receive this event. */
export function eventVisible(visible: ReadonlySet<string> | null, row: DomainEventRow): boolean {
  if (visible === null) return true;
  return row.phone_number_id !== null && visible.has(row.phone_number_id);
}
