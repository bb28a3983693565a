import type { Kysely } from 'kysely';
import { buildApp } from '../app.ts';
import type { AppDeps } from '../app-deps.ts';
import { createApiToken } from '../auth/api-tokens.ts';
import type { Role } from '../auth/principal.ts';
import type { DB } from '../database.ts';
import { graphClientFromConfig } from '../graph/graph-client.ts';
import { wabaTokenResolver } from '../onboarding/waba-credentials.ts';
import { type Clock, ManualClock } from '../platform/clock.ts';
import { loadConfig } from '../platform/config.ts';
import type { Dialect } from '../platform/db/database.ts';
import { createSignals } from '../platform/events/signals.ts';
import type { App } from '../platform/http/app-type.ts';
import { createLogger } from '../platform/logger.ts';
import { createRealtimeHub, type RealtimeHub, type RealtimeHubOptions } from '../realtime/realtime-hub.ts';
import { createTestDatabase, type TestDatabase } from './databases.ts';

export const APP_SECRET = 'sandbox-app-secret';
export const VERIFY_TOKEN = 'sandbox-verify-token';

/** The one test context: a real migrated database, the app built on it, a manual clock and tokens. */
export type TestApp = {
  readonly app: App;
  readonly deps: AppDeps;
  readonly clock: ManualClock;
  /** The Kysely instance of {@link database}. */
  readonly db: Kysely<DB>;
  readonly database: TestDatabase;
  /** A bearer token (an API token; `role` defaults to the token's default, admin). */
  token(options?: { wabaId?: string; role?: Role; userId?: string }): Promise<string>;
  /** Closes the app, and destroys the database unless it was passed in. */
  close(): Promise<void>;
};

export type TestAppOverrides = {
  /** An existing database (the caller keeps it: `close()` leaves it open). */
  database?: TestDatabase;
  /** Environment variables on top of the test defaults, as `loadConfig` reads them. */
  env?: Record<string, string | undefined>;
  /** Creates a realtime hub with these options (the events routes make their own otherwise). */
  realtime?: Omit<RealtimeHubOptions, 'database' | 'logger' | 'signals'>;
  /** Dependencies that replace the built ones. */
  deps?: Partial<AppDeps>;
};

/**
 * The dependencies every test context starts from: test config (`env` on top), a silent logger, fresh
 * signals, and `clock` (a new {@link ManualClock} unless given). Real-process harnesses
 * (`sandbox-env.ts`) use it with the system clock.
 */
export function buildTestDeps<C extends Clock = ManualClock>(
  database: TestDatabase,
  options: Pick<TestAppOverrides, 'env' | 'realtime' | 'deps'> & { clock?: C } = {},
): { deps: AppDeps; clock: C; realtime: RealtimeHub | undefined } {
  const clock = options.clock ?? (new ManualClock() as Clock as C);
  const config = loadConfig({
    META_APP_SECRET: APP_SECRET,
    META_VERIFY_TOKEN: VERIFY_TOKEN,
    DATABASE_URL: database.url,
    LOG_LEVEL: 'silent',
    COEXIST_NODE_ID: 'test-node',
    ...options.env,
  });
  const logger = createLogger({ level: 'silent' });
  const signals = createSignals();
  const realtime = options.realtime
    ? createRealtimeHub({ database, logger, signals, now: () => clock.now(), ...options.realtime })
    : undefined;
  const deps: AppDeps = {
    config,
    database,
    clock,
    logger,
    signals,
    graph: graphClientFromConfig(config, { tokenFor: wabaTokenResolver({ database, config }) }),
    ...(realtime ? { realtime } : {}),
    ...options.deps,
  };
  return { deps, clock, realtime };
}

/** Builds the app on a fresh database of `dialect` (or on `overrides.database`), ready for `inject`. */
export async function buildTestApp(dialect: Dialect, overrides: TestAppOverrides = {}): Promise<TestApp> {
  const database = overrides.database ?? (await createTestDatabase(dialect));
  const { deps, clock, realtime } = buildTestDeps(database, overrides);
  const app = await buildApp(deps);
  await app.ready();
  return {
    app,
    deps,
    clock,
    db: database.db,
    database,
    async token(options = {}) {
      const { token } = await createApiToken(database.db, {
        name: 'test',
        wabaId: options.wabaId ?? null,
        ...(options.role ? { role: options.role } : {}),
        ...(options.userId ? { userId: options.userId } : {}),
        now: clock.now(),
      });
      return token;
    },
    async close() {
      await app.close();
      realtime?.close();
      if (!overrides.database) await database.destroy();
    },
  };
}
