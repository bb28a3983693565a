import type { Database } from './database.ts';
import type { GraphClient } from './graph/graph-client.ts';
import type { Clock } from './platform/clock.ts';
import type { Config } from './platform/config.ts';
import type { Signals } from './platform/events/signals.ts';
import type { Logger } from './platform/logger.ts';
import type { RealtimeHub } from './realtime/realtime-hub.ts';

/** What every feature of the hub is built from; passed as an argument, never imported as a singleton. */
export type AppDeps = {
  readonly config: Config;
  readonly database: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The one client of Meta's Graph API, built with the deps (`graphClientFromConfig`). */
  readonly graph: GraphClient;
  /**
   * This node's in-process wake-ups (`createSignals()`): after a commit that recorded events,
   * `deps.signals.emit('events')` (or use `withEvents`); `'webhookStored'`, `'outbox'` and `'jobs'`
   * wake the webhook worker, a number's sender and the job runner.
   */
  readonly signals: Signals;
  /** The node's realtime fan-out for SSE streams; the events routes create one when absent. */
  readonly realtime?: RealtimeHub;
};
