import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from '../logger.ts';
import type { DomainEvent, EventType } from './catalogue.ts';
import { isEventType } from './catalogue.ts';
import type { DomainEventRow, EventTables } from './event.table.ts';
import { createGapWatch, type GapWatch, latestEventId, readEventsAfter } from './event-log.queries.ts';
import type { Signals } from './signals.ts';
import { backoffAfter, type StoredEvent, type Subscriber } from './subscriber.ts';
import {
  acquireLease,
  advanceCursor,
  dueRetries,
  holdLease,
  LeaseLostError,
  recordAttemptFailure,
  releaseLeases,
  resolveRetry,
} from './subscriber-cursor.repository.ts';

export type SubscriberWorkerOptions = {
  readonly db: Kysely<EventTables>;
  readonly subscribers: readonly Subscriber[];
  readonly clock: { now(): number };
  readonly logger?: Logger;
  /** Wakes the worker after a local commit (`emit('events')`); it also polls for other nodes' events. */
  readonly signals?: Signals;
  /** This node's lease owner id; a fresh one per process unless told. */
  readonly nodeId?: string;
  /** How long a lease lasts without renewal (a crashed node's subscribers move after this); 30 s. */
  readonly leaseMs?: number;
  /** How often the worker looks without a wake-up; 1 s. */
  readonly pollMs?: number;
  /** Events read per pass of one subscriber; 200. */
  readonly batchSize?: number;
  /** See `readEventsAfter`; 10 s. */
  readonly gapGraceMs?: number;
  /** Run the loop (default); false leaves passes to `runOnce()` (tests). */
  readonly autoStart?: boolean;
  /** Handed to every handler as its third argument (the hub passes its deps). */
  readonly context?: unknown;
};

export type SubscriberWorker = {
  readonly name: string;
  /** Runs one pass over every subscriber (tests); returns how many events were handled or set aside. */
  runOnce(): Promise<number>;
  /** Stops after the current pass and releases this node's leases. */
  stop(): Promise<void>;
};

/** A stored row as the catalogue event a handler receives. */
export function toStoredEvent(row: DomainEventRow): StoredEvent | null {
  if (row.fact === null || !isEventType(row.fact)) return null;
  let payload: unknown = {};
  try {
    payload = JSON.parse(row.payload_json);
  } catch {
    payload = {};
  }
  const event = { type: row.fact, phoneNumberId: row.phone_number_id, payload } as DomainEvent;
  return { ...event, id: Number(row.id), at: Number(row.created_at) } as StoredEvent;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Feeds every durable subscriber from the event log, on every node; a lease per subscriber makes
 * exactly one node run each at a time. A pass of one subscriber: take or renew its lease, retry
 * its set-aside events that are due, then read a batch after its cursor (gap-aware) and handle the
 * wanted events in one transaction that also moves the cursor. When that transaction fails, the
 * batch runs again one event per transaction, and the event that throws is set aside (retried with
 * backoff, later failed visibly) while the cursor goes past it.
 */
export function startSubscriberWorker(options: SubscriberWorkerOptions): SubscriberWorker {
  const { db, clock } = options;
  const owner = options.nodeId ?? randomUUID();
  const leaseMs = options.leaseMs ?? 30_000;
  const pollMs = options.pollMs ?? 1_000;
  const batchSize = options.batchSize ?? 200;
  const gapGraceMs = options.gapGraceMs ?? 10_000;
  const lease = (subscriber: string) => ({ subscriber, owner, now: clock.now(), leaseMs });
  // One per subscriber: each stops at its own gap.
  const gapWatches = new Map(options.subscribers.map((s) => [s.name, createGapWatch(db)]));

  const setAside = async (trx: Kysely<EventTables>, sub: Subscriber, event: StoredEvent, error: unknown) => {
    const row = await recordAttemptFailure(trx, {
      subscriber: sub.name,
      event: { id: event.id, fact: event.type, phoneNumberId: event.phoneNumberId },
      error: message(error),
      maxAttempts: sub.retry.attempts,
      nextAttemptAt: (attempts) => clock.now() + backoffAfter(sub.retry, attempts),
      now: clock.now(),
    });
    const log = { subscriber: sub.name, eventId: event.id, attempts: row.attempts, err: error };
    if (row.state === 'failed') options.logger?.error(log, 'subscriber gave up on an event');
    else options.logger?.warn(log, 'subscriber failed on an event; it will retry');
  };

  const retryDue = async (sub: Subscriber): Promise<number> => {
    const due = await dueRetries(db, { subscriber: sub.name, now: clock.now(), limit: 20 });
    for (const failure of due) {
      const row = await db
        .selectFrom('domain_events')
        .selectAll()
        .where('id', '=', failure.event_id)
        .executeTakeFirst();
      const event = row ? toStoredEvent(row) : null;
      if (!event) {
        const gone = {
          id: failure.event_id,
          type: failure.event_type,
          phoneNumberId: failure.phone_number_id,
        };
        await setAside(
          db,
          sub,
          { ...gone, payload: {}, at: 0 } as unknown as StoredEvent,
          'the event is gone',
        );
        continue;
      }
      try {
        await db.transaction().execute(async (trx) => {
          await holdLease(trx, lease(sub.name));
          await sub.handle(trx as Transaction<never>, event, options.context);
          await resolveRetry(trx, {
            subscriber: sub.name,
            eventId: event.id,
            attempts: failure.attempts,
            now: clock.now(),
          });
        });
      } catch (error) {
        if (error instanceof LeaseLostError) return due.length;
        await setAside(db, sub, event, error);
      }
    }
    return due.length;
  };

  /** Handles `events` (and passes the rows between) in one transaction that moves the cursor. */
  const commit = async (sub: Subscriber, from: number, to: number, events: StoredEvent[]) => {
    await db.transaction().execute(async (trx) => {
      await advanceCursor(trx, { ...lease(sub.name), from, to });
      for (const event of events) await sub.handle(trx as Transaction<never>, event, options.context);
    });
  };

  // Set by a pass that read a full batch: the loop goes on at once instead of waiting `pollMs`.
  let backlog = false;

  const pass = async (sub: Subscriber): Promise<number> => {
    const position = await acquireLease(db, {
      ...lease(sub.name),
      start: async () => (sub.from === 'now' ? latestEventId(db) : 0),
    });
    if (position === null) return 0;
    let done = await retryDue(sub);
    const batch = await readEventsAfter(db, {
      afterId: position,
      limit: batchSize,
      now: clock.now(),
      gapGraceMs,
      ...(gapWatches.has(sub.name) ? { gaps: gapWatches.get(sub.name) as GapWatch } : {}),
    });
    if (batch.lastId === position) return done;
    // A full batch means more may follow now, even when none of it was wanted: no pause before it.
    if (batch.more) backlog = true;
    const wanted: StoredEvent[] = [];
    for (const row of batch.events) {
      const event = row.fact !== null && sub.types.has(row.fact as EventType) ? toStoredEvent(row) : null;
      if (event) wanted.push(event);
    }
    try {
      await commit(sub, position, batch.lastId, wanted);
      return done + wanted.length;
    } catch (error) {
      if (error instanceof LeaseLostError) return done;
    }
    // Something in the batch threw: one event per transaction, so the others commit.
    let at = position;
    for (const event of wanted) {
      try {
        await commit(sub, at, event.id, [event]);
      } catch (error) {
        if (error instanceof LeaseLostError) return done;
        // Passing the event and setting it aside commit together, so it is never passed and forgotten.
        await db.transaction().execute(async (trx) => {
          await advanceCursor(trx, { ...lease(sub.name), from: at, to: event.id });
          await setAside(trx, sub, event, error);
        });
      }
      at = event.id;
      done++;
    }
    if (at !== batch.lastId) await commit(sub, at, batch.lastId, []);
    return done;
  };

  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let wake: (() => void) | null = null;
  let running: Promise<void> = Promise.resolve();

  const runOnce = async (): Promise<number> => {
    let total = 0;
    for (const sub of options.subscribers) {
      if (stopped) break;
      try {
        total += await pass(sub);
      } catch (error) {
        options.logger?.warn({ err: error, subscriber: sub.name }, 'subscriber pass failed');
      }
    }
    return total;
  };

  const loop = async () => {
    while (!stopped) {
      backlog = false;
      const handled = await runOnce();
      if (stopped) break;
      if (handled > 0 || backlog) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, pollMs);
      });
      wake = null;
      if (timer) clearTimeout(timer);
    }
  };

  const offSignal = options.signals?.on('events', () => wake?.());
  if (options.subscribers.length > 0 && options.autoStart !== false) running = loop();

  return {
    name: 'subscribers',
    runOnce,
    async stop() {
      stopped = true;
      offSignal?.();
      wake?.();
      await running;
      await releaseLeases(db, owner).catch(() => {});
    },
  };
}
