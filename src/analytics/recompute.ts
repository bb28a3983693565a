import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { Dialect } from '../platform/db/database.ts';
import { isEventType } from '../platform/events/catalogue.ts';
import type { StoredEvent } from '../platform/events/subscriber.ts';
import { toStoredEvent } from '../platform/events/subscriber-worker.ts';
import {
  addToRollups,
  foldContext,
  loadFoldLookups,
  markPriced,
  mergeDeltas,
  saveStates,
} from './analytics.repository.ts';
import { ANALYTICS_SUBSCRIBER } from './analytics.subscriber.ts';
import { type ConversationState, foldEvent, foldedEventTypes, type RollupDelta } from './metric-fold.ts';

export type RecomputeResult = {
  /** Events of the log folded. */
  readonly events: number;
  /** The first and last event id replayed (null when the log had none). */
  readonly fromId: number | null;
  readonly toId: number;
  /** When the oldest replayed event was recorded: rollups start there (older events were pruned). */
  readonly since: number | null;
  readonly rollupRows: number;
  readonly conversations: number;
};

const PAGE = 5_000;
const folded = new Set<string>(foldedEventTypes);

/**
 * Rebuilds the analytics from the event log: clears the folded state, the rollups and the priced
 * set, and replays every event kept in the log through the same fold as the live subscriber, up
 * to the subscriber's cursor (read under a lock, so the subscriber goes on from exactly there). In
 * one transaction: readers see the old rollups or the new ones, never half.
 */
export async function recomputeAnalytics(
  db: Kysely<DB>,
  options: { dialect: Dialect; now: number },
): Promise<RecomputeResult> {
  return db.transaction().execute(async (trx) => {
    let cursorQuery = trx
      .selectFrom('event_cursors')
      .select('position')
      .where('subscriber', '=', ANALYTICS_SUBSCRIBER);
    if (options.dialect === 'postgres') cursorQuery = cursorQuery.forUpdate();
    const cursor = await cursorQuery.executeTakeFirst();
    let upTo: number;
    if (cursor) upTo = Number(cursor.position);
    else {
      const latest = await trx
        .selectFrom('domain_events')
        .select((eb) => eb.fn.max('id').as('max'))
        .executeTakeFirst();
      upTo = Number(latest?.max ?? 0);
      await trx
        .insertInto('event_cursors')
        .values({
          subscriber: ANALYTICS_SUBSCRIBER,
          position: upTo,
          lease_owner: null,
          lease_until: null,
          updated_at: options.now,
        })
        .execute();
    }
    await trx.deleteFrom('analytics_rollups').execute();
    await trx.deleteFrom('analytics_rollups_daily').execute();
    await trx.deleteFrom('analytics_rollups_number_daily').execute();
    await trx.deleteFrom('analytics_series').execute();
    await trx.deleteFrom('analytics_conversations').execute();
    await trx.deleteFrom('analytics_priced_messages').execute();

    const states = new Map<string, ConversationState>();
    const store = {
      get: (id: string) => states.get(id),
      set: (s: ConversationState) => states.set(s.conversation_id, s),
    };
    const claimed = new Set<string>();
    const rollups = new Map<string, RollupDelta>();
    let after = 0;
    let count = 0;
    let fromId: number | null = null;
    let since: number | null = null;
    for (;;) {
      const rows = await trx
        .selectFrom('domain_events')
        .selectAll()
        .where('id', '>', after)
        .where('id', '<=', upTo)
        .orderBy('id')
        .limit(PAGE)
        .execute();
      if (rows.length === 0) break;
      after = Number(rows[rows.length - 1]?.id);
      const events: StoredEvent[] = [];
      for (const row of rows) {
        if (fromId === null) {
          fromId = Number(row.id);
          since = Number(row.created_at);
        }
        if (row.fact === null || !folded.has(row.fact) || !isEventType(row.fact)) continue;
        const event = toStoredEvent(row);
        if (event) events.push(event);
      }
      if (events.length === 0) continue;
      const ctx = foldContext(await loadFoldLookups(trx, events), claimed);
      for (const event of events) mergeDeltas(foldEvent(store, event, ctx), rollups);
      count += events.length;
    }
    await saveStates(trx, [...states.values()]);
    await addToRollups(trx, rollups.values());
    await markPriced(trx, claimed);
    return {
      events: count,
      fromId,
      toId: upTo,
      since,
      rollupRows: rollups.size,
      conversations: states.size,
    };
  });
}
