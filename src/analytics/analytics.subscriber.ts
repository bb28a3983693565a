import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../database.ts';
import type { StoredEvent } from '../platform/events/subscriber.ts';
import { defineSubscriber } from '../platform/events/subscriber.ts';
import {
  addToRollups,
  foldContext,
  loadFoldLookups,
  loadStates,
  markPriced,
  saveStates,
} from './analytics.repository.ts';
import { type ConversationState, foldEvent, foldedEventTypes } from './metric-fold.ts';

/** The subscriber's name: its cursor is what a recompute replays up to. */
export const ANALYTICS_SUBSCRIBER = 'analytics.rollups';

/** Folds one event into the stored state and rollups, inside the caller's transaction. */
export async function applyAnalyticsEvent(trx: Kysely<DB>, event: StoredEvent): Promise<void> {
  const conversationId = (event.payload as { conversation_id?: string }).conversation_id;
  if (!conversationId) return;
  const lookups = await loadFoldLookups(trx, [event]);
  const states = await loadStates(trx, [conversationId]);
  const changed: ConversationState[] = [];
  const claimed = new Set<string>();
  const deltas = foldEvent(
    {
      get: (id) => states.get(id),
      set: (s) => {
        states.set(s.conversation_id, s);
        changed.push(s);
      },
    },
    event,
    foldContext(lookups, claimed),
  );
  await saveStates(trx, changed.slice(-1));
  await addToRollups(trx, deltas);
  await markPriced(trx, claimed);
}

/**
 * Folds several events (in log order) as {@link applyAnalyticsEvent} would one after another: the
 * lookups and states are read once, the fold runs in memory, and each conversation's last state,
 * the merged rollup deltas and the newly priced messages are written once (as the recompute does).
 */
export async function applyAnalyticsEvents(trx: Kysely<DB>, events: readonly StoredEvent[]): Promise<void> {
  const folded = events.filter((e) => (e.payload as { conversation_id?: string }).conversation_id);
  if (folded.length === 0) return;
  const lookups = await loadFoldLookups(trx, folded);
  const states = await loadStates(
    trx,
    folded.map((e) => (e.payload as { conversation_id: string }).conversation_id),
  );
  const changed = new Map<string, ConversationState>();
  const claimed = new Set<string>();
  const store = {
    get: (id: string) => states.get(id),
    set: (s: ConversationState) => {
      states.set(s.conversation_id, s);
      changed.set(s.conversation_id, s);
    },
  };
  const ctx = foldContext(lookups, claimed);
  const deltas = folded.flatMap((event) => [...foldEvent(store, event, ctx)]);
  await saveStates(trx, [...changed.values()]);
  await addToRollups(trx, deltas);
  await markPriced(trx, claimed);
}

/**
 * Keeps the analytics rollups (`docs/metrics.md`) up to date from the event log: each event is
 * folded by `metric-fold.ts` in the transaction that moves the cursor, so a rollup counts an event
 * exactly once. `recomputeAnalytics` replays the same fold over the log.
 */
export const analyticsSubscriber = defineSubscriber({
  name: ANALYTICS_SUBSCRIBER,
  types: foldedEventTypes,
  async handle(trx: Transaction<DB>, event) {
    await applyAnalyticsEvent(trx, event);
  },
  async handleBatch(trx: Transaction<DB>, events) {
    await applyAnalyticsEvents(trx, events);
  },
});
