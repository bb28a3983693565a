import type { Command } from 'commander';
import type { AppDeps } from '../src/app-deps.ts';
import { createApiToken } from '../src/auth/api-tokens.ts';
import { openDatabase } from '../src/database.ts';
import { graphClientFromConfig } from '../src/graph/graph-client.ts';
import { startHub } from '../src/hub.ts';
import { wabaTokenResolver } from '../src/onboarding/waba-credentials.ts';
import { systemClock } from '../src/platform/clock.ts';
import { ConfigError, loadConfig } from '../src/platform/config.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { createSignals } from '../src/platform/events/signals.ts';
import { createLogger } from '../src/platform/logger.ts';
import { createRealtimeHub } from '../src/realtime/realtime-hub.ts';
import { recordSecurityEvent } from '../src/security/security-log.ts';

/** Reads the config from the environment, or prints every problem and exits. */
export function configOrExit(env: NodeJS.ProcessEnv = process.env) {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

/** Opens the database, migrates it and returns the hub's dependencies. */
export async function openHubDeps(env: NodeJS.ProcessEnv = process.env): Promise<AppDeps> {
  const config = configOrExit(env);
  const logger = createLogger({ level: config.logLevel });
  const database = openDatabase(config.databaseUrl, {
    timeouts: config.databaseTimeouts,
    onIdleError: (error) => logger.warn({ err: error }, 'a database connection failed'),
  });
  await migrateToLatest(database.db, database.dialect);
  const signals = createSignals((error) => logger.error({ err: error }, 'a wake-up listener failed'));
  const realtime = createRealtimeHub({ database, signals, logger });
  return {
    config,
    database,
    clock: systemClock,
    logger,
    signals,
    realtime,
    graph: graphClientFromConfig(config, { tokenFor: wabaTokenResolver({ database, config }) }),
  };
}

export function registerHubCommands(program: Command): void {
  program
    .command('serve')
    .description('Start the hub: webhooks, REST API, realtime stream and web inbox')
    .action(async () => {
      const deps = await openHubDeps();
      const hub = await startHub(deps, { port: deps.config.port, host: deps.config.host });
      deps.logger.info({ url: hub.url }, 'hub listening');
      const shutdown = async () => {
        await hub.close();
        await deps.database.close();
        process.exit(0);
      };
      process.once('SIGTERM', shutdown);
      process.once('SIGINT', shutdown);
    });

  program
    .command('migrate')
    .description('Bring the database schema up to date')
    .action(async () => {
      const config = configOrExit();
      const database = openDatabase(config.databaseUrl, { timeouts: config.databaseTimeouts });
      const { applied } = await migrateToLatest(database.db, database.dialect);
      process.stdout.write(
        applied.length ? `applied: ${applied.join(', ')}\n` : 'schema already up to date\n',
      );
      await database.close();
    });

  const tokens = program.command('tokens').description('Manage API tokens');
  tokens
    .command('create')
    .description('Create an API token and print it once')
    .option('--name <name>', 'a label for the token', 'cli')
    .option('--waba <id>', 'restrict the token to one business account')
    .option('--role <role>', 'owner, admin, supervisor, agent or auditor', 'admin')
    .action(async (opts: { name: string; waba?: string; role: string }) => {
      const deps = await openHubDeps();
      const role = (['owner', 'admin', 'supervisor', 'agent', 'auditor'] as const).find(
        (r) => r === opts.role,
      );
      if (!role) {
        process.stderr.write(`unknown role: ${opts.role}\n`);
        process.exit(2);
      }
      const { id, token } = await createApiToken(deps.database.db, {
        name: opts.name,
        wabaId: opts.waba ?? null,
        role,
        now: Date.now(),
      });
      await recordSecurityEvent(deps.database.db, {
        kind: 'token.created',
        targetTokenId: id,
        details: { via: 'cli', role, waba_id: opts.waba ?? null, name: opts.name },
        at: Date.now(),
      });
      process.stdout.write(`${token}\n`);
      await deps.database.close();
    });
}
