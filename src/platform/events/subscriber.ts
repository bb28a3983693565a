import type { Transaction } from 'kysely';
import { type EventOf, type EventType, isEventType } from './catalogue.ts';
import type { CommitHooks } from './with-events.ts';

/** An event as a subscriber receives it: the catalogue event plus its log position and time. */
export type StoredEvent<K extends EventType = EventType> = EventOf<K> & {
  /** The event's id in the log (increasing; the subscriber's cursor). */
  readonly id: number;
  /** When it was recorded (ms since the epoch). */
  readonly at: number;
};

/** How a subscriber retries an event its handler threw on. */
export type RetryPolicy = {
  /** Attempts in all, the first included, before the event is marked failed; 8 unless told. */
  readonly attempts: number;
  /** Wait before the second attempt, doubled for each further one; 1 s unless told. */
  readonly backoffMs: number;
  /** Longest wait between attempts; 10 min unless told. */
  readonly maxBackoffMs: number;
};

/** What a feature declares; see {@link defineSubscriber}. */
export type SubscriberDefinition<K extends EventType, S> = {
  /** Stable and unique: the cursor and failures are stored under it. Lower case, digits, `.`, `-`, `_`. */
  readonly name: string;
  /** The event types it wants; others pass by without a call. */
  readonly types: readonly K[];
  /**
   * Handles one event inside a transaction that also advances the subscriber's cursor: its database
   * writes commit exactly when the event counts as handled. It may be called again for the same
   * event after a crash before that commit, so effects outside the database must be idempotent
   * (key them on `event.id`). Throwing rolls the transaction back and schedules a retry.
   * `context` is what the worker was started with (`SubscriberWorkerOptions.context`: the hub's deps);
   * `hooks.afterCommit` runs a function once the handling transaction has committed (never when it
   * rolls back). After every commit the worker also wakes the senders of the events' numbers.
   */
  handle(trx: Transaction<S>, event: StoredEvent<K>, context?: unknown, hooks?: CommitHooks): Promise<void>;
  /**
   * Optional: handles several events (in log order) at once, with the same meaning as calling
   * `handle` for each in turn, for a subscriber whose work batches well (one multi-row insert
   * instead of one per event). The worker uses it for a round's batch; when it throws, the batch is
   * handled again through `handle`, one event per transaction, so the event at fault is set aside alone.
   */
  handleBatch?(
    trx: Transaction<S>,
    events: readonly StoredEvent<K>[],
    context?: unknown,
    hooks?: CommitHooks,
  ): Promise<void>;
  /**
   * Events per `handleBatch` call (50 unless told). The worker checks its time budget between calls,
   * so a handler of a few milliseconds an event takes fewer, or a round holds SQLite's one writer
   * for the whole slice.
   */
  readonly batchSlice?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Where a subscriber seen for the first time starts: the oldest event kept (default) or the newest. */
  readonly from?: 'start' | 'now';
};

/** A declared subscriber, ready for the subscriber worker. */
export type Subscriber = {
  readonly name: string;
  readonly types: ReadonlySet<EventType>;
  readonly retry: RetryPolicy;
  readonly from: 'start' | 'now';
  readonly batchSlice?: number;
  handle(trx: Transaction<never>, event: StoredEvent, context?: unknown, hooks?: CommitHooks): Promise<void>;
  handleBatch?(
    trx: Transaction<never>,
    events: readonly StoredEvent[],
    context?: unknown,
    hooks?: CommitHooks,
  ): Promise<void>;
};

const NAME = /^[a-z][a-z0-9._-]{0,99}$/;

/**
 * Declares a durable subscriber of the event log (beside its feature, in `*.subscriber.ts`; the hub
 * lists it in `src/hub.ts`). It has its own cursor (`event_cursors`), receives every event of its
 * types at least once and in log order, survives crashes and restarts, and runs on one node at a
 * time (a lease). A handler that keeps failing does not block it: the event is set aside, retried
 * with backoff, and after its attempts shown as a failure (`GET /api/subscriber-failures`) while
 * later events go on. An unknown event type is refused here, at start-up.
 *
 * ```ts
 * export const autoReply = defineSubscriber({
 *   name: 'automation.auto-reply',
 *   types: ['message.received'],
 *   async handle(trx: Transaction<DB>, event) { await enqueueSend(trx, …event.payload.conversation_id…) },
 * });
 * ```
 */
export function defineSubscriber<const K extends EventType, S>(def: SubscriberDefinition<K, S>): Subscriber {
  if (!NAME.test(def.name)) throw new Error(`subscriber name "${def.name}" is not a valid name`);
  if (def.types.length === 0) throw new Error(`subscriber ${def.name} subscribes to no event type`);
  for (const type of def.types) {
    if (!isEventType(type))
      throw new Error(`subscriber ${def.name}: "${type}" is not in the event catalogue`);
  }
  return {
    name: def.name,
    types: new Set<EventType>(def.types),
    retry: {
      attempts: Math.max(1, def.retry?.attempts ?? 8),
      backoffMs: def.retry?.backoffMs ?? 1_000,
      maxBackoffMs: def.retry?.maxBackoffMs ?? 10 * 60_000,
    },
    from: def.from ?? 'start',
    handle: def.handle as unknown as Subscriber['handle'],
    ...(def.handleBatch ? { handleBatch: def.handleBatch as unknown as Subscriber['handleBatch'] } : {}),
    ...(def.batchSlice ? { batchSlice: Math.max(1, Math.floor(def.batchSlice)) } : {}),
  };
}

/** The wait before attempt `attempts + 1`, after `attempts` failed ones. */
export function backoffAfter(retry: RetryPolicy, attempts: number): number {
  return Math.min(retry.maxBackoffMs, retry.backoffMs * 2 ** Math.max(0, attempts - 1));
}
