import type { Kysely, Transaction } from 'kysely';
import type { DomainEvent } from './catalogue.ts';
import { noticeOf } from './catalogue.ts';
import type { EventLogTables } from './event.table.ts';

/** Rows per insert statement in {@link recordEvents} (well under SQLite's bound-parameter limit). */
const INSERT_CHUNK = 500;

// Any schema that has the log: a feature's transaction over the whole hub schema is one.
const log = <S extends EventLogTables>(trx: Kysely<S> | Transaction<S>) =>
  trx as unknown as Kysely<EventLogTables>;

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
 * commit, call `deps.signals.emit('events')` (or use `withEvents`) so this node's readers look at once.
 */
export async function recordEvent<S extends EventLogTables>(
  trx: Kysely<S> | Transaction<S>,
  event: DomainEvent,
  at: number,
): Promise<void> {
  await log(trx).insertInto('domain_events').values(toRow(event, at)).execute();
}

/**
 * The insert of {@link recordEvents} as a query to run (up to 500 events): for a caller that runs
 * it together with other writes in one statement (`outbound/enqueue-send.ts`).
 */
export function eventsInsert<S extends EventLogTables>(
  trx: Kysely<S> | Transaction<S>,
  events: readonly DomainEvent[],
  at: number,
) {
  if (events.length === 0 || events.length > INSERT_CHUNK)
    throw new Error('eventsInsert takes 1 to 500 events');
  return log(trx)
    .insertInto('domain_events')
    .values(events.map((e) => toRow(e, at)));
}

/** {@link recordEvent} for many events at once (batched ingestion): multi-row inserts, in order. */
export async function recordEvents<S extends EventLogTables>(
  trx: Kysely<S> | Transaction<S>,
  events: readonly DomainEvent[],
  at: number,
): Promise<void> {
  for (let i = 0; i < events.length; i += INSERT_CHUNK) {
    const rows = events.slice(i, i + INSERT_CHUNK).map((e) => toRow(e, at));
    await log(trx).insertInto('domain_events').values(rows).execute();
  }
}
