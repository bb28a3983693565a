import type { Kysely } from 'kysely';
import type { Logger } from '../logger.ts';
import type { DomainEventRow, EventLogTables } from './event.table.ts';
import { createGapWatch, latestEventId, readEventsAfter } from './event-log.queries.ts';
import type { Signals } from './signals.ts';

/**
 * The event log's second kind of subscriber, beside the durable ones (`subscriber.ts`): a **live
 * subscriber** runs on every node, keeps its cursor in memory and starts at the newest event. It is
 * for fan-out to this node's connections (the realtime stream): one gap-aware read of the log per
 * wake-up, whatever the number of listeners, and the newest events kept in memory so that each
 * listener takes what it has not seen from there. A listener that falls behind the memory (a stream
 * resuming from an old `Last-Event-ID`) reads the log itself until it is back, then joins again.
 *
 * Woken by `signals.emit('events')` after a local commit, and by a poll for events committed by
 * other nodes on the same PostgreSQL; it reads only while at least one listener is subscribed.
 */
export interface LiveSubscriber {
  /** The newest event id read (the live cursor); resolves once the first read has placed it. */
  ready(): Promise<number>;
  /** The live cursor now (see {@link ready}). */
  position(): number;
  /**
   * The events after `afterId` up to {@link position}, from memory, or `null` when memory no longer
   * reaches back to `afterId` (the caller then reads the log itself).
   */
  eventsAfter(afterId: number): DomainEventRow[] | null;
  /** Calls `listener` after each read that moved the cursor; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** How often it looks for events committed by other nodes (and past an open transaction), in ms. */
  readonly pollMs: number;
  /** How long an id gap may stay open before it is taken as a rolled-back transaction, in ms. */
  readonly gapGraceMs: number;
  /** Stops reading and forgets every listener. */
  close(): void;
}

export type LiveSubscriberOptions = {
  db: Kysely<EventLogTables>;
  signals: Signals;
  now: () => number;
  logger?: Logger;
  /** 500 ms unless told. */
  pollMs?: number;
  /** 10 s unless told. */
  gapGraceMs?: number;
  /** How many of the newest events stay in memory; 5,000 unless told. */
  memory?: number;
  /** Events per read; 500 unless told. */
  batch?: number;
  /**
   * A wake-up reads this many ms later, together with any other wake-up in that time: commits close
   * together (a busy webhook worker commits tens of times a second, the subscribers too) then reach
   * every listener in one read and one write per stream instead of one per commit. 0 (read at once)
   * unless told.
   */
  coalesceMs?: number;
};

/** Creates a live subscriber (see {@link LiveSubscriber}). */
export function createLiveSubscriber(options: LiveSubscriberOptions): LiveSubscriber {
  const pollMs = options.pollMs ?? 500;
  const gapGraceMs = options.gapGraceMs ?? 10_000;
  const memory = Math.max(1, options.memory ?? 5_000);
  const batch = options.batch ?? 500;
  const coalesceMs = options.coalesceMs ?? 0;
  const listeners = new Set<() => void>();
  const gaps = createGapWatch(options.db);

  /** The newest events, in id order; together they cover the ids after `memoryFrom` up to `cursor`. */
  let recent: DomainEventRow[] = [];
  let memoryFrom = 0;
  let cursor = 0;
  let started: Promise<number> | null = null;
  let reading = false;
  let again = false;
  let timer: NodeJS.Timeout | null = null;
  let offSignal: (() => void) | null = null;
  let closed = false;
  let coalescing: NodeJS.Timeout | null = null;

  const notify = () => {
    for (const listener of [...listeners]) {
      try {
        listener();
      } catch (error) {
        options.logger?.error({ err: error }, 'live subscriber listener failed');
      }
    }
  };

  const remember = (rows: DomainEventRow[]) => {
    recent.push(...rows);
    if (recent.length > memory) {
      const drop = recent.length - memory;
      memoryFrom = recent[drop - 1]?.id ?? memoryFrom;
      recent = recent.slice(drop);
    }
  };

  const read = async (): Promise<void> => {
    if (closed || !started) return;
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      await started;
      do {
        again = false;
        for (;;) {
          const result = await readEventsAfter(options.db, {
            afterId: cursor,
            limit: batch,
            now: options.now(),
            gapGraceMs,
            gaps,
          });
          if (result.lastId !== cursor) {
            remember(result.events);
            cursor = result.lastId;
            notify();
          }
          if (!result.more) break;
        }
      } while (again && !closed);
    } catch (error) {
      options.logger?.warn({ err: error }, 'live subscriber read failed');
    } finally {
      reading = false;
    }
  };

  const start = () => {
    if (started || closed) return;
    started = latestEventId(options.db)
      .catch((error: unknown) => {
        options.logger?.warn({ err: error }, 'live subscriber could not find the newest event');
        return 0;
      })
      .then((id) => {
        cursor = Math.max(cursor, id);
        memoryFrom = cursor;
        recent = [];
        return cursor;
      });
    offSignal = options.signals.on('events', () => {
      if (coalesceMs <= 0) return void read();
      if (coalescing) return;
      coalescing = setTimeout(() => {
        coalescing = null;
        void read();
      }, coalesceMs);
    });
    // Started by `ready()` alone, with nobody subscribing after all, it stops at its next tick.
    timer = setInterval(() => (listeners.size === 0 ? stop() : void read()), pollMs);
    timer.unref();
  };

  const stop = () => {
    if (timer) clearInterval(timer);
    timer = null;
    if (coalescing) clearTimeout(coalescing);
    coalescing = null;
    offSignal?.();
    offSignal = null;
    started = null;
    recent = [];
  };

  return {
    pollMs,
    gapGraceMs,
    ready() {
      start();
      // The cursor now, not where it was placed at the start.
      return (started ?? Promise.resolve(0)).then(() => cursor);
    },
    position: () => cursor,
    eventsAfter(afterId) {
      if (afterId >= cursor) return [];
      if (afterId < memoryFrom) return null;
      // `recent` is in id order: find the first event after `afterId`.
      let lo = 0;
      let hi = recent.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((recent[mid]?.id ?? 0) <= afterId) lo = mid + 1;
        else hi = mid;
      }
      return recent.slice(lo);
    },
    subscribe(listener) {
      listeners.add(listener);
      start();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stop();
      };
    },
    close() {
      closed = true;
      stop();
      listeners.clear();
    },
  };
}
