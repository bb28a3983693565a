import type { Principal } from '../auth/principal.ts';
import type { Database } from '../database.ts';
import { visibleNumberIds } from '../numbers/number.queries.ts';
import { createLiveSubscriber, type LiveSubscriber } from '../platform/events/live-subscriber.ts';
import type { Signals } from '../platform/events/signals.ts';
import type { Logger } from '../platform/logger.ts';

/**
 * The realtime stream's subscriber on this node: the event log's live subscriber
 * (`platform/events/live-subscriber.ts`), read once per wake-up for all of this node's SSE streams,
 * each of which takes from its memory what it has not sent yet. Every node runs one, since every
 * node must see every event for its own clients.
 */
export interface RealtimeHub {
  /** The live subscriber the streams take their events from. */
  readonly live: LiveSubscriber;
  /**
   * The phone numbers a principal sees (`null` = all), read once per position of the live cursor
   * for every stream of the same business accounts, after the events at that position: a number
   * created in the same transaction as its first event is then certain to be known.
   */
  visibleNumbers(principal: Principal): Promise<ReadonlySet<string> | null>;
  /** Interval of the `: keepalive` comments on an idle stream, in ms. */
  readonly keepAliveMs: number;
  /** Stops reading and forgets every listener. */
  close(): void;
}

export type RealtimeHubOptions = {
  database: Database;
  /** The node's signals; `emit('events')` wakes the streams at once. */
  signals: Signals;
  logger?: Logger;
  /** Poll interval for events committed by other nodes; 500 ms unless told. */
  pollMs?: number;
  /** How long an id gap may stay open before it is taken as a rolled-back transaction; 10 s unless told. */
  gapGraceMs?: number;
  /** See {@link RealtimeHub.keepAliveMs}; 15 s unless told. */
  keepAliveMs?: number;
  /** Events kept in memory for the streams; 5,000 unless told. */
  memory?: number;
  /** The clock for the gap rule; `Date.now` unless told. */
  now?: () => number;
  /** Commits this close together (ms) reach a stream in one write; 25 ms unless told (see `coalesceMs`). */
  coalesceMs?: number;
};

/** Creates the node's realtime hub; it reads the log only while at least one stream is listening. */
export function createRealtimeHub(options: RealtimeHubOptions): RealtimeHub {
  const live = createLiveSubscriber({
    db: options.database.db,
    signals: options.signals,
    now: options.now ?? Date.now,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    ...(options.gapGraceMs !== undefined ? { gapGraceMs: options.gapGraceMs } : {}),
    ...(options.memory !== undefined ? { memory: options.memory } : {}),
    coalesceMs: options.coalesceMs ?? 25,
  });
  let cachedAt = -1;
  const cache = new Map<string, Promise<ReadonlySet<string> | null>>();

  return {
    live,
    keepAliveMs: options.keepAliveMs ?? 15_000,
    visibleNumbers(principal) {
      if (principal.wabaIds === null) return Promise.resolve(null);
      if (cachedAt !== live.position()) {
        cache.clear();
        cachedAt = live.position();
      }
      const key = [...principal.wabaIds].sort().join(',');
      let entry = cache.get(key);
      if (!entry) {
        entry = visibleNumberIds(options.database.db, principal).then((ids) =>
          ids === null ? null : new Set(ids),
        );
        // A failed read is not kept: the next batch asks again.
        entry.catch(() => cache.delete(key));
        cache.set(key, entry);
      }
      return entry;
    },
    close() {
      live.close();
      cache.clear();
    },
  };
}
