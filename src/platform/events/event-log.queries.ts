import { type Kysely, sql } from 'kysely';
import { isPostgres } from '../db/is-postgres.ts';
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
 * id while the event after the gap is younger than `gapGraceMs`, or while `gaps` (see
 * {@link createGapWatch}) says a transaction that may hold the id is still open: an event's time is
 * stamped by its writer, often when its transaction starts, so age alone cannot tell. Otherwise the
 * gap is a rolled-back transaction (or a pruned row) and is skipped.
 */
export async function readEventsAfter(
  db: Kysely<EventLogTables>,
  input: { afterId: number; limit: number; now: number; gapGraceMs: number; gaps?: GapWatch },
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
    if (id !== lastId + 1) {
      const young = input.now - Number(row.created_at) < input.gapGraceMs;
      if (young || (await input.gaps?.mayStillCommit(lastId + 1))) {
        return { events, lastId, stalled: true, more: false };
      }
    }
    events.push({ ...row, id });
    lastId = id;
  }
  return { events, lastId, stalled: false, more: rows.length === input.limit };
}

/** Tells whether a missing event id may still be committed by a transaction open now. */
export type GapWatch = { mayStillCommit(missingId: number): Promise<boolean> };

/**
 * A reader's watch over the gaps it stops at. On PostgreSQL it notes the database time when it
 * first sees a gap; a transaction that holds the missing id took it before the event after the gap
 * was written, so it started before that time, and the gap may still fill while any transaction
 * that started earlier is open. SQLite has one writer at a time, so its ids commit in order and a
 * gap there is never filled later. One watch per reader: it remembers the gap that reader is at.
 */
export function createGapWatch(db: Kysely<EventLogTables>): GapWatch {
  if (!isPostgres(db)) return { mayStillCommit: async () => false };
  let seen: { id: number; since: Date } | null = null;
  return {
    async mayStillCommit(missingId) {
      if (seen?.id !== missingId) {
        const { rows } = await sql<{ now: Date }>`select clock_timestamp() as now`.execute(db);
        seen = { id: missingId, since: rows[0]?.now ?? new Date() };
      }
      const { rows } = await sql<{ open: boolean }>`
        select exists (
          select 1 from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid()
            and xact_start is not null and xact_start < ${seen.since}
        ) as open`.execute(db);
      return rows[0]?.open === true;
    },
  };
}
