import type { Command } from 'commander';
import { recomputeAnalytics } from '../src/analytics/recompute.ts';
import { openDatabase } from '../src/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { configOrExit } from './hub-commands.ts';

/** `coexist analytics recompute`: rebuilds the analytics rollups from the event log (docs/metrics.md). */
export function registerAnalyticsCommands(program: Command): void {
  const analytics = program.command('analytics').description('The analytics rollups behind the reports');
  analytics
    .command('recompute')
    .description('Rebuild the rollups from the event log (what the log still holds)')
    .action(async () => {
      const config = configOrExit();
      const database = openDatabase(config.databaseUrl, { timeouts: config.databaseTimeouts });
      try {
        await migrateToLatest(database.db, database.dialect);
        const started = Date.now();
        const r = await recomputeAnalytics(database.db, { dialect: database.dialect, now: Date.now() });
        const since = r.since === null ? 'an empty log' : new Date(r.since).toISOString();
        process.stdout.write(
          `replayed ${r.events} events (ids ${r.fromId ?? '-'}..${r.toId}, since ${since}) into ` +
            `${r.rollupRows} rollup rows for ${r.conversations} conversations in ${Date.now() - started} ms\n`,
        );
      } finally {
        await database.close();
      }
    });
}
