import { randomUUID } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Logger } from '../logger.ts';
import type { LoopShare } from '../loop-share.ts';
import type { DomainEvent, EventType } from './catalogue.ts';
import { isEventType } from './catalogue.ts';
import type { DomainEventRow, EventTables, SubscriberFailureRow } from './event.table.ts';
import {
  createGapWatch,
  type EventBatch,
  type GapWatch,
  latestEventId,
  readEventsAfter,
} from './event-log.queries.ts';
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
import type { CommitHooks } from './with-events.ts';

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
  /** Events read per pass of one subscriber; 500. */
  readonly batchSize?: number;
  /**
   * True while other work should wait little for the database (SQLite's one writer while webhooks
   * arrive): a round's transaction then commits after `busyBudgetMs` of handling instead of `budgetMs`.
   */
  readonly busy?: () => boolean;
  /** How long a round's transaction goes on handling events before it commits; 200 ms. */
  readonly budgetMs?: number;
  /** The same while `busy()`; 20 ms. */
  readonly busyBudgetMs?: number;
  /** The pause after a round that found work, so that more urgent work gets the time; none unless told. */
  readonly pauseMs?: () => number;
  /**
   * Foreground first (see `platform/loop-share.ts`): each round's transaction waits for its turn and
   * reports how long it ran, so that while the foreground is saturated the rounds take only their share.
   */
  readonly share?: Pick<LoopShare, 'slice'>;
  /**
   * Handle the round's subscribers side by side, each in its own transaction, instead of one after
   * another in one transaction (PostgreSQL: its handlers wait on round trips, not on one writer;
   * SQLite has one writer and gains nothing but more commits). False unless told.
   */
  readonly concurrent?: boolean;
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
  /**
   * True while the worker is catching up: its latest pass handled events or stopped at a full batch
   * (other work of lower priority may then yield to it: `pauseMs`).
   */
  active(): boolean;
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

/** Events per `handleBatch` call unless the subscriber says (`batchSlice`): small enough that the time budget still cuts a round. */
const BATCH_SLICE = 50;

/** Subscriber transactions at once in `concurrent` mode. */
const CONCURRENT_SUBSCRIBERS = 3;

/**
 * Feeds every durable subscriber from the event log, on every node; a lease per subscriber makes
 * exactly one node run each at a time. A round: for each subscriber, make sure of its lease (from
 * memory while more than half of it remains, else renewed in the database), retry its set-aside
 * events that are due, and read a batch after its position (gap-aware; subscribers at the same
 * position share one read). Batches holding none of a subscriber's types only move its position in
 * memory (written with the next commit or lease renewal; after a crash they are read again, which
 * costs nothing). The others are handled in ONE transaction, each subscriber in a savepoint that
 * also moves its cursor, so a round costs one commit (one fsync on SQLite) however many subscribers
 * it feeds; the transaction commits after a time budget and the round goes on in the next. A
 * subscriber whose savepoint fails runs its batch again one event per transaction, and the event
 * that throws is set aside (retried with backoff, later failed visibly) while the cursor goes past.
 * After each commit the handlers' `afterCommit` hooks run, and this node's event readers and the
 * senders of the numbers concerned are woken (what a subscriber queued leaves without a poll).
 */
export function startSubscriberWorker(options: SubscriberWorkerOptions): SubscriberWorker {
  const { db, clock } = options;
  const owner = options.nodeId ?? randomUUID();
  const leaseMs = options.leaseMs ?? 30_000;
  const pollMs = options.pollMs ?? 1_000;
  const batchSize = options.batchSize ?? 500;
  const gapGraceMs = options.gapGraceMs ?? 10_000;
  const budgetMs = options.budgetMs ?? 200;
  const busyBudgetMs = options.busyBudgetMs ?? 20;
  const lease = (subscriber: string) => ({ subscriber, owner, now: clock.now(), leaseMs });
  // One per subscriber: each stops at its own gap.
  const gapWatches = new Map(options.subscribers.map((s) => [s.name, createGapWatch(db)]));

  /** A subscriber whose lease this node holds: its cursor as stored, its position read up to, the lease's end. */
  type Held = { stored: number; position: number; until: number };
  const held = new Map<string, Held>();

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

  /** Runs what the handlers registered for after the commit, and wakes this node's readers and senders. */
  const afterCommit = (callbacks: Array<() => void>, events: readonly StoredEvent[]) => {
    for (const f of callbacks) {
      try {
        f();
      } catch (error) {
        options.logger?.warn({ err: error }, 'a subscriber after-commit hook failed');
      }
    }
    if (events.length === 0 || !options.signals) return;
    options.signals.emit('events');
    const numbers = new Set<string>();
    for (const event of events) if (event.phoneNumberId) numbers.add(event.phoneNumberId);
    for (const id of numbers) options.signals.emit('outbox', id);
  };

  /** Handles `events` and moves the cursor from `from` to `to`, in one transaction of its own. */
  const commitAlone = async (sub: Subscriber, from: number, to: number, events: StoredEvent[]) => {
    const after: Array<() => void> = [];
    const hooks: CommitHooks = { afterCommit: (f) => void after.push(f) };
    await db.transaction().execute(async (trx) => {
      await advanceCursor(trx, { ...lease(sub.name), from, to });
      for (const event of events) await sub.handle(trx as Transaction<never>, event, options.context, hooks);
    });
    afterCommit(after, events);
  };

  /** The subscriber's lease, from memory or (re)taken in the database; null when another node runs it. */
  const ensureLease = async (sub: Subscriber): Promise<Held | null> => {
    const now = clock.now();
    const mine = held.get(sub.name);
    if (mine && mine.until - now > leaseMs / 2) return mine;
    if (mine && mine.position !== mine.stored) {
      // Renewing: write the position moved past unwanted events with it (the log prune reads it).
      try {
        await advanceCursor(db, { ...lease(sub.name), from: mine.stored, to: mine.position });
        mine.stored = mine.position;
        mine.until = now + leaseMs;
        return mine;
      } catch (error) {
        if (!(error instanceof LeaseLostError)) throw error;
      }
    }
    const position = await acquireLease(db, {
      ...lease(sub.name),
      start: async () => (sub.from === 'now' ? latestEventId(db) : 0),
    });
    if (position === null) {
      held.delete(sub.name);
      return null;
    }
    const fresh = { stored: position, position, until: now + leaseMs };
    held.set(sub.name, fresh);
    return fresh;
  };

  const retryDue = async (sub: Subscriber, due: readonly SubscriberFailureRow[]): Promise<number> => {
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
      const after: Array<() => void> = [];
      try {
        await db.transaction().execute(async (trx) => {
          await holdLease(trx, lease(sub.name));
          await sub.handle(trx as Transaction<never>, event, options.context, {
            afterCommit: (f) => void after.push(f),
          });
          await resolveRetry(trx, {
            subscriber: sub.name,
            eventId: event.id,
            attempts: failure.attempts,
            now: clock.now(),
          });
        });
        afterCommit(after, [event]);
      } catch (error) {
        if (error instanceof LeaseLostError) {
          held.delete(sub.name);
          return due.length;
        }
        await setAside(db, sub, event, error);
      }
    }
    return due.length;
  };

  /**
   * Handles `events` in order until `over()` (at least one): through the subscriber's `handleBatch`
   * in slices when it has one, else event by event. Returns how many were handled.
   */
  const handleEvents = async (
    trx: Transaction<EventTables>,
    sub: Subscriber,
    events: readonly StoredEvent[],
    over: () => boolean,
    hooks: CommitHooks,
  ): Promise<number> => {
    let handled = 0;
    if (sub.handleBatch) {
      while (handled < events.length && !(handled > 0 && over())) {
        const slice = events.slice(handled, handled + (sub.batchSlice ?? BATCH_SLICE));
        await sub.handleBatch(trx as Transaction<never>, slice, options.context, hooks);
        handled += slice.length;
      }
      return handled;
    }
    for (const event of events) {
      if (handled > 0 && over()) break;
      await sub.handle(trx as Transaction<never>, event, options.context, hooks);
      handled++;
    }
    return handled;
  };

  /** A subscriber's batch waiting for the round's transaction. */
  type Pending = { sub: Subscriber; held: Held; events: StoredEvent[]; to: number };

  /** The batch again, one event per transaction: the one that throws is set aside, the others commit. */
  const oneByOne = async (item: Pending): Promise<number> => {
    const { sub } = item;
    let done = 0;
    let at = item.held.stored;
    for (const event of item.events) {
      try {
        await commitAlone(sub, at, event.id, [event]);
      } catch (error) {
        if (error instanceof LeaseLostError) {
          held.delete(sub.name);
          return done;
        }
        // Passing the event and setting it aside commit together, so it is never passed and forgotten.
        await db.transaction().execute(async (trx) => {
          await advanceCursor(trx, { ...lease(sub.name), from: at, to: event.id });
          await setAside(trx, sub, event, error);
        });
      }
      at = event.id;
      item.held.stored = at;
      done++;
    }
    if (at !== item.to) await commitAlone(sub, at, item.to, []);
    item.held.stored = item.to;
    item.held.position = Math.max(item.held.position, item.to);
    item.held.until = clock.now() + leaseMs;
    return done;
  };

  /** One subscriber's batch in a transaction of its own, cut by the time budget; the rest waits for the next round. */
  const handleAlone = async (item: Pending): Promise<number> => {
    const started = performance.now();
    const after: Array<() => void> = [];
    const hooks: CommitHooks = { afterCommit: (f) => void after.push(f) };
    let handled = 0;
    let to = item.to;
    try {
      await db.transaction().execute(async (trx) => {
        await advanceCursor(trx, { ...lease(item.sub.name), from: item.held.stored, to: item.to });
        handled = await handleEvents(
          trx,
          item.sub,
          item.events,
          () => performance.now() - started > budgetMs,
          hooks,
        );
        if (handled < item.events.length) {
          to = (item.events[handled - 1] as StoredEvent).id;
          await advanceCursor(trx, { ...lease(item.sub.name), from: item.to, to });
        }
      });
    } catch (error) {
      if (error instanceof LeaseLostError) {
        held.delete(item.sub.name);
        return 0;
      }
      return oneByOne(item);
    }
    item.held.stored = to;
    item.held.position = Math.max(item.held.position, to);
    item.held.until = clock.now() + leaseMs;
    afterCommit(after, item.events.slice(0, handled));
    return handled;
  };

  /** Handles the round's batches in as few transactions as the time budget allows. */
  const handlePending = async (pending: Pending[]): Promise<number> => {
    if (options.concurrent) {
      // A few at a time: each holds a pooled connection, and the webhook worker, the senders and
      // the API need theirs too (the pool has 10 by default).
      let done = 0;
      const queue = [...pending];
      const lane = async () => {
        for (let item = queue.shift(); item; item = queue.shift()) {
          const one = item;
          // While the acknowledgements are saturated, the lanes take turns as slices of the share.
          const handled = options.share ? options.share.slice(() => handleAlone(one)) : handleAlone(one);
          done += await handled.catch((error: unknown) => {
            options.logger?.warn(
              { err: error, subscriber: (item as Pending).sub.name },
              'subscriber pass failed',
            );
            held.delete((item as Pending).sub.name);
            return 0;
          });
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENT_SUBSCRIBERS, queue.length) }, lane));
      return done;
    }
    let done = 0;
    let queue = pending;
    while (queue.length > 0 && !stopped) {
      const round = async (): Promise<Pending[]> => {
        const started = performance.now();
        const budget = options.busy?.() ? busyBudgetMs : budgetMs;
        const over = () => performance.now() - started > budget;
        type Done = { item: Pending; to: number; events: StoredEvent[]; after: Array<() => void> };
        let committed: Done[] = [];
        let failed: Pending[] = [];
        let rest: Pending[] = [];
        const lost = new Set<string>();
        try {
          await db.transaction().execute(async (trx) => {
            for (const [i, item] of queue.entries()) {
              if (i > 0 && over()) {
                rest = queue.slice(i);
                return;
              }
              const savepoint = sql.id(`subscriber_${i}`);
              await sql`savepoint ${savepoint}`.execute(trx);
              const after: Array<() => void> = [];
              const hooks: CommitHooks = { afterCommit: (f) => void after.push(f) };
              try {
                // The cursor first: on PostgreSQL its row lock makes another node's take-over wait for this commit.
                await advanceCursor(trx, { ...lease(item.sub.name), from: item.held.stored, to: item.to });
                const handled = await handleEvents(trx, item.sub, item.events, over, hooks);
                const partial = handled < item.events.length;
                const to = partial ? (item.events[handled - 1] as StoredEvent).id : item.to;
                if (partial) await advanceCursor(trx, { ...lease(item.sub.name), from: item.to, to });
                await sql`release savepoint ${savepoint}`.execute(trx);
                committed.push({ item, to, events: item.events.slice(0, handled), after });
                if (partial) {
                  rest = [{ ...item, events: item.events.slice(handled) }, ...queue.slice(i + 1)];
                  return;
                }
              } catch (error) {
                await sql`rollback to savepoint ${savepoint}`.execute(trx);
                if (error instanceof LeaseLostError) lost.add(item.sub.name);
                else failed.push(item);
              }
            }
          });
        } catch (error) {
          // The commit itself failed: nothing of this transaction counts; each batch goes alone.
          options.logger?.warn(
            { err: error },
            'subscriber round failed to commit; handling its batches alone',
          );
          failed = [...committed.map((c) => c.item), ...failed];
          // A batch cut by the budget goes alone whole: its remainder must not come round again.
          rest = rest.filter((r) => !committed.some((c) => c.item.sub.name === r.sub.name));
          committed = [];
        }
        const now = clock.now();
        for (const c of committed) {
          c.item.held.stored = c.to;
          c.item.held.position = Math.max(c.item.held.position, c.to);
          c.item.held.until = now + leaseMs;
          done += c.events.length;
          afterCommit(c.after, c.events);
        }
        for (const name of lost) held.delete(name);
        for (const item of failed) {
          try {
            done += await oneByOne(item);
          } catch (error) {
            options.logger?.warn({ err: error, subscriber: item.sub.name }, 'subscriber pass failed');
            held.delete(item.sub.name);
          }
        }
        return rest;
      };
      // Foreground first: while the acknowledgements are saturated, a round is one slice of the share.
      const rest = await (options.share ? options.share.slice(round) : round());
      queue = rest.filter((item) => held.get(item.sub.name) === item.held);
      const pause = queue.length > 0 ? (options.pauseMs?.() ?? 0) : 0;
      if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    }
    return done;
  };

  // Set by a pass that read a full batch: the loop goes on at once instead of waiting `pollMs`.
  let backlog = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let wake: (() => void) | null = null;
  let running: Promise<void> = Promise.resolve();

  const runOnce = async (): Promise<number> => {
    let total = 0;
    const reads = new Map<number, EventBatch>();
    const parsed = new Map<number, StoredEvent | null>();
    const pending: Pending[] = [];
    // While busy, a round handles only a few milliseconds of events: reading more would be wasted.
    const limit = options.busy?.() ? Math.min(batchSize, 50) : batchSize;
    const retries = await dueRetries(db, {
      subscribers: options.subscribers.map((s) => s.name),
      now: clock.now(),
      limit: 20,
    }).catch((error: unknown) => {
      options.logger?.warn({ err: error }, 'reading subscriber retries failed');
      return new Map<string, SubscriberFailureRow[]>();
    });
    for (const sub of options.subscribers) {
      if (stopped) break;
      try {
        const mine = await ensureLease(sub);
        if (!mine) continue;
        const due = retries.get(sub.name);
        if (due) total += await retryDue(sub, due);
        if (held.get(sub.name) !== mine) continue;
        let batch = reads.get(mine.position);
        if (!batch) {
          batch = await readEventsAfter(db, {
            afterId: mine.position,
            limit,
            now: clock.now(),
            gapGraceMs,
            ...(gapWatches.has(sub.name) ? { gaps: gapWatches.get(sub.name) as GapWatch } : {}),
          });
          reads.set(mine.position, batch);
        }
        if (batch.lastId === mine.position) continue;
        // A full batch means more may follow now, even when none of it was wanted: no pause before it.
        if (batch.more) backlog = true;
        const wanted: StoredEvent[] = [];
        for (const row of batch.events) {
          if (row.fact === null || !sub.types.has(row.fact as EventType)) continue;
          const id = Number(row.id);
          let event = parsed.get(id);
          if (event === undefined) {
            event = toStoredEvent(row);
            parsed.set(id, event);
          }
          if (event) wanted.push(event);
        }
        if (wanted.length === 0) mine.position = batch.lastId;
        else pending.push({ sub, held: mine, events: wanted, to: batch.lastId });
      } catch (error) {
        options.logger?.warn({ err: error, subscriber: sub.name }, 'subscriber pass failed');
      }
    }
    total += await handlePending(pending);
    await persistPositions();
    return total;
  };

  // Positions moved past unwanted events are written at most once a second, together in one
  // transaction: the log prune and the lag seen from outside (metrics, benchmarks) read them.
  let persistedAt = 0;
  const persistPositions = async () => {
    const now = clock.now();
    if (now - persistedAt < 1_000) return;
    const moved = [...held].filter(([, mine]) => mine.position !== mine.stored);
    if (moved.length === 0) return;
    persistedAt = now;
    try {
      await db.transaction().execute(async (trx) => {
        for (const [name, mine] of moved) {
          await advanceCursor(trx, { ...lease(name), from: mine.stored, to: mine.position });
        }
      });
      for (const [, mine] of moved) {
        mine.stored = mine.position;
        mine.until = now + leaseMs;
      }
    } catch (error) {
      if (!(error instanceof LeaseLostError)) {
        options.logger?.warn({ err: error }, 'writing subscriber positions failed');
        return;
      }
      // A lease moved to another node: the others are written one by one, the lost one let go.
      for (const [name, mine] of moved) {
        try {
          await advanceCursor(db, { ...lease(name), from: mine.stored, to: mine.position });
          mine.stored = mine.position;
          mine.until = now + leaseMs;
        } catch (inner) {
          if (inner instanceof LeaseLostError) held.delete(name);
        }
      }
    }
  };

  // Set by a wake-up that came while a round ran (its events may be after what the round read):
  // the loop goes on at once instead of sleeping through it until the next poll.
  let kicked = false;
  let catchingUp = false;
  const loop = async () => {
    while (!stopped) {
      backlog = false;
      kicked = false;
      const handled = await runOnce();
      catchingUp = handled > 0 || backlog;
      if (stopped) break;
      if (handled > 0 || backlog) {
        const pause = options.pauseMs?.() ?? 0;
        if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
        continue;
      }
      if (kicked) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, pollMs);
      });
      wake = null;
      if (timer) clearTimeout(timer);
    }
  };

  const offSignal = options.signals?.on('events', () => {
    kicked = true;
    wake?.();
  });
  if (options.subscribers.length > 0 && options.autoStart !== false) running = loop();

  return {
    name: 'subscribers',
    runOnce,
    active: () => catchingUp,
    async stop() {
      stopped = true;
      offSignal?.();
      wake?.();
      await running;
      // Positions moved past unwanted events are written before the leases go.
      for (const [name, mine] of held) {
        if (mine.position === mine.stored) continue;
        await advanceCursor(db, { ...lease(name), from: mine.stored, to: mine.position }).catch(() => {});
      }
      held.clear();
      await releaseLeases(db, owner).catch(() => {});
    },
  };
}
