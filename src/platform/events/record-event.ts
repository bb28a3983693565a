import type { Kysely } from 'kysely';
import type { DomainEvent } from './catalogue.ts';
import { noticeOf } from './catalogue.ts';
import type { EventLogTables } from './event.table.ts';

/** Rows per insert statement in {@link recordEvents} (well under SQLite's bound-parameter limit). */
const INSERT_CHUNK = 500;

function toRow(event: DomainEvent, at: number) {
  return {
    type: noticeOf(event.type),
    fact: event.type,
    phone_number_id: event.phoneNumberId,
    payload_json: JSON.stringify(event.payload),
    created_at: at,
  };
}

/**
 * Appends a catalogue event inside the caller's transaction, so the event exists exactly when the
 * change it describes is committed. Subscribers and the realtime stream read this log. After the
 * commit, call `deps.signals.eventsCommitted()` (or use `withEvents`) so this node's readers look at once.
 */
export async function recordEvent(
  trx: Kysely<EventLogTables>,
  event: DomainEvent,
  at: number,
): Promise<void> {
  await trx.insertInto('domain_events').values(toRow(event, at)).execute();
}

/** {@link recordEvent} for many events at once (batched ingestion): multi-row inserts, in order. */
export async function recordEvents(
  trx: Kysely<EventLogTables>,
  events: readonly DomainEvent[],
  at: number,
): Promise<void> {
  for (let i = 0; i < events.length; i += INSERT_CHUNK) {
    const rows = events.slice(i, i + INSERT_CHUNK).map((e) => toRow(e, at));
    await trx.insertInto('domain_events').values(rows).execute();
  }
}
