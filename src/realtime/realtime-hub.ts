import type { Database } from '../database.ts';
import type { Signals } from '../platform/events/signals.ts';
import type { Logger } from '../platform/logger.ts';

/**
 * The realtime stream's subscriber on this node: a live (per-node, non-durable) reader of the event
 * log that wakes this node's SSE streams. Every node runs one, since every node must see every
 * event for its own clients; each stream keeps its own position (its clients resume from
 * `Last-Event-ID`). Woken by `signals.emit('events')` after a local commit, and by a short poll of
 * the log's highest id for events committed by other hub nodes on the same PostgreSQL.
 */
export interface RealtimeHub {
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
  /** The node's signals; `emit('events')` wakes the streams at once. */
  signals: Signals;
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
  let offSignal: (() => void) | null = null;

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
    offSignal = options.signals.on('events', wake);
    lastSeenMax = null;
    void poll();
    timer = setInterval(() => void poll(), pollMs);
    timer.unref();
  };
  const stopPolling = () => {
    if (timer) clearInterval(timer);
    timer = null;
    offSignal?.();
    offSignal = null;
  };

  return {
    pollMs,
    gapGraceMs: options.gapGraceMs ?? 10_000,
    keepAliveMs: options.keepAliveMs ?? 15_000,
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
