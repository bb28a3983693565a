import type { Database } from '../database.ts';
import type { Logger } from '../platform/logger.ts';

/**
 * Wakes the realtime streams of this node. The durable log is the `domain_events` table; this
 * object only says "look again". Code that commits a change with `recordDomainEvent` calls
 * `notify()` after the commit, so streams on this node deliver at once; a short poll of the log's
 * highest id wakes them for events committed by other hub nodes on the same PostgreSQL.
 */
export interface RealtimeHub {
  /** Call after committing a transaction that recorded domain events. Cheap and safe to call often. */
  notify(): void;
  /** Calls `listener` whenever new events may be in the log; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** How often a stream stalled on an uncommitted event id looks again, in ms. */
  readonly pollMs: number;
  /** How long an id gap may stay open before it is taken as a rolled-back transaction, in ms. */
  readonly gapGraceMs: number;
  /** Interval of the `: keepalive` comments on an idle stream, in ms. */
  readonly keepAliveMs: number;
  /** Stops polling and forgets every listener. */
  close(): void;
}

export type RealtimeHubOptions = {
  database: Database;
  logger?: Logger;
  /** Poll interval for events committed by other nodes; 500 ms unless told. */
  pollMs?: number;
  /** See {@link RealtimeHub.gapGraceMs}; 10 s unless told. */
  gapGraceMs?: number;
  /** See {@link RealtimeHub.keepAliveMs}; 15 s unless told. */
  keepAliveMs?: number;
};

/** Creates the node's realtime hub; the poll runs only while at least one stream is listening. */
export function createRealtimeHub(options: RealtimeHubOptions): RealtimeHub {
  const pollMs = options.pollMs ?? 500;
  const listeners = new Set<() => void>();
  let timer: NodeJS.Timeout | null = null;
  let lastSeenMax: number | null = null;
  let polling = false;
  let closed = false;

  const wake = () => {
    for (const listener of [...listeners]) {
      try {
        listener();
      } catch (error) {
        options.logger?.error({ err: error }, 'realtime listener failed');
      }
    }
  };

  const poll = async () => {
    if (polling || closed) return;
    polling = true;
    try {
      const row = await options.database.db
        .selectFrom('domain_events')
        .select((eb) => eb.fn.max('id').as('max_id'))
        .executeTakeFirst();
      const max = row?.max_id === null || row?.max_id === undefined ? 0 : Number(row.max_id);
      if (lastSeenMax !== null && max !== lastSeenMax) wake();
      lastSeenMax = max;
    } catch (error) {
      options.logger?.warn({ err: error }, 'realtime poll failed');
    } finally {
      polling = false;
    }
  };

  const startPolling = () => {
    if (timer || closed) return;
    lastSeenMax = null;
    void poll();
    timer = setInterval(() => void poll(), pollMs);
    timer.unref();
  };
  const stopPolling = () => {
    if (timer) clearInterval(timer);
    timer = null;
  };

  return {
    pollMs,
    gapGraceMs: options.gapGraceMs ?? 10_000,
    keepAliveMs: options.keepAliveMs ?? 15_000,
    notify() {
      if (!closed) queueMicrotask(wake);
    },
    subscribe(listener) {
      listeners.add(listener);
      startPolling();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stopPolling();
      };
    },
    close() {
      closed = true;
      stopPolling();
      listeners.clear();
    },
  };
}
