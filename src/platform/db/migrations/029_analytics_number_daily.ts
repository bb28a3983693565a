import type { Kysely, Migration } from 'kysely';
import { bigint } from '../column-types.ts';
import type { Dialect } from '../database.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that is being built.
type AnyDb = Kysely<any>;

/**
 * Analytics (`analytics/analytics.table.ts`): the daily rollups of each number without the team
 * and agent dimensions (`analytics_rollups_number_daily`), so the overview, numbers, responders
 * and costs reports read a few rows a day whatever the number of agents and teams. Filled from
 * the daily rollups already there.
 */
export function analyticsNumberDailyMigration(_dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('analytics_rollups_number_daily')
        .addColumn('bucket_at', bigint, (c) => c.notNull())
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('metric', 'text', (c) => c.notNull())
        .addColumn('bin', 'integer', (c) => c.notNull())
        .addColumn('count', bigint, (c) => c.notNull())
        .addColumn('total', bigint, (c) => c.notNull())
        .addPrimaryKeyConstraint('analytics_rollups_number_daily_pk', [
          'metric',
          'bucket_at',
          'phone_number_id',
          'kind',
          'bin',
        ])
        .execute();
      await db
        .insertInto('analytics_rollups_number_daily')
        .columns(['bucket_at', 'phone_number_id', 'kind', 'metric', 'bin', 'count', 'total'])
        .expression((eb) =>
          eb
            .selectFrom('analytics_rollups_daily')
            .select([
              'bucket_at',
              'phone_number_id',
              'kind',
              'metric',
              'bin',
              (e) => e.fn.sum('count').as('count'),
              (e) => e.fn.sum('total').as('total'),
            ])
            .groupBy(['metric', 'bucket_at', 'phone_number_id', 'kind', 'bin']),
        )
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('analytics_rollups_number_daily').ifExists().execute();
    },
  };
}
