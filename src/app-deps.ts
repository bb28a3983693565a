import type { Database } from './database.ts';
import type { Clock } from './platform/clock.ts';
import type { Config } from './platform/config.ts';
import type { Logger } from './platform/logger.ts';
import type { RealtimeHub } from './realtime/realtime-hub.ts';

/** What every feature of the hub is built from; passed as an argument, never imported as a singleton. */
export type AppDeps = {
  readonly config: Config;
  readonly database: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Wakes realtime streams after a commit (`deps.realtime?.notify()`); absent in some tests. */
  readonly realtime?: RealtimeHub;
};
