import { type Kysely, sql, type Transaction } from 'kysely';
import { isPostgres } from '../db/is-postgres.ts';
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

/** A number no event carries, stood in for the id while the event's payload is serialised. */
const ID_MARK = -7_340_291_553;

/**
 * Runs `insert` (an insert returning the new row's `id`) and records the event `eventOf(id)` names,
 * in the caller's transaction. On PostgreSQL they are ONE statement: the payload is the event's JSON
 * with the id the insert returns written in, byte for byte what `JSON.stringify` gives. Returns the id.
 */
export async function insertThenRecord<S extends EventLogTables>(
  trx: Kysely<S> | Transaction<S>,
  insert: {
    executeTakeFirstOrThrow(): Promise<{ id: number | string | bigint }>;
    toOperationNode(): unknown;
  },
  eventOf: (id: number) => DomainEvent,
  at: number,
): Promise<number> {
  const marked = toRow(eventOf(ID_MARK), at);
  const parts = marked.payload_json.split(String(ID_MARK));
  if (!isPostgres(trx as Kysely<S>) || parts.length !== 2) {
    const id = Number((await insert.executeTakeFirstOrThrow()).id);
    await recordEvent(trx, eventOf(id), at);
    return id;
  }
  // biome-ignore lint/suspicious/noExplicitAny: a CTE over the caller's table; Kysely cannot type it here.
  const row = await (log(trx) as any)
    .with('inserted', () => insert)
    .with('event', (db: Kysely<EventLogTables & { inserted: { id: number } }>) =>
      db
        .insertInto('domain_events')
        .columns(['type', 'fact', 'phone_number_id', 'payload_json', 'created_at'])
        .expression((eb) =>
          eb
            .selectFrom('inserted')
            .select([
              sql<string>`cast(${marked.type} as text)`.as('type'),
              sql<string>`cast(${marked.fact} as text)`.as('fact'),
              sql<string | null>`cast(${marked.phone_number_id} as text)`.as('phone_number_id'),
              sql<string>`${parts[0]} || cast(inserted.id as text) || ${parts[1]}`.as('payload_json'),
              sql<number>`cast(${at} as bigint)`.as('created_at'),
            ]),
        ),
    )
    .selectFrom('inserted')
    .select('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}
