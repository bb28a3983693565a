import type { Kysely, Migration } from 'kysely';
import { bigint } from '../column-types.ts';
import type { Dialect } from '../database.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that is being built.
type AnyDb = Kysely<any>;

/**
 * Analytics (`analytics/analytics.table.ts`): the folded state of each conversation's cycle, the
 * 15-minute rollups, per-number report settings (business hours, SLA targets, CSAT), SLA breaches;
 * and the CSAT surveys (`csat/csat.table.ts`).
 */
export function analyticsMigration(_dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('analytics_conversations')
        .addColumn('conversation_id', 'text', (c) => c.primaryKey())
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('team_id', 'text')
        .addColumn('assignee_user_id', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('cycle_started_at', bigint, (c) => c.notNull())
        .addColumn('cycle', 'integer', (c) => c.notNull())
        .addColumn('frt_clock_at', bigint)
        .addColumn('first_response_at', bigint)
        .addColumn('waiting_since', bigint)
        .addColumn('bot_replied', 'integer', (c) => c.notNull())
        .addColumn('human_replied', 'integer', (c) => c.notNull())
        .addColumn('handoff_at', bigint)
        .addColumn('csat_answered_at', bigint)
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('analytics_conversations_open')
        .on('analytics_conversations')
        .columns(['state', 'phone_number_id'])
        .execute();

      await db.schema
        .createTable('analytics_rollups')
        .addColumn('bucket_at', bigint, (c) => c.notNull())
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('team_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('metric', 'text', (c) => c.notNull())
        .addColumn('bin', 'integer', (c) => c.notNull())
        .addColumn('count', bigint, (c) => c.notNull())
        .addColumn('total', bigint, (c) => c.notNull())
        .addPrimaryKeyConstraint('analytics_rollups_pk', [
          'metric',
          'bucket_at',
          'phone_number_id',
          'team_id',
          'user_id',
          'kind',
          'bin',
        ])
        .execute();

      // The same rollups by UTC day (the interior of a report's range), and the 15-minute series of
      // each number's metrics without the other dimensions (charts by day and hour).
      await db.schema
        .createTable('analytics_rollups_daily')
        .addColumn('bucket_at', bigint, (c) => c.notNull())
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('team_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('metric', 'text', (c) => c.notNull())
        .addColumn('bin', 'integer', (c) => c.notNull())
        .addColumn('count', bigint, (c) => c.notNull())
        .addColumn('total', bigint, (c) => c.notNull())
        .addPrimaryKeyConstraint('analytics_rollups_daily_pk', [
          'metric',
          'bucket_at',
          'phone_number_id',
          'team_id',
          'user_id',
          'kind',
          'bin',
        ])
        .execute();
      await db.schema
        .createTable('analytics_series')
        .addColumn('bucket_at', bigint, (c) => c.notNull())
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('metric', 'text', (c) => c.notNull())
        .addColumn('count', bigint, (c) => c.notNull())
        .addColumn('total', bigint, (c) => c.notNull())
        .addPrimaryKeyConstraint('analytics_series_pk', ['metric', 'bucket_at', 'phone_number_id'])
        .execute();

      await db.schema
        .createTable('analytics_priced_messages')
        .addColumn('message_id', 'text', (c) => c.primaryKey())
        .execute();

      await db.schema
        .createTable('analytics_number_settings')
        .addColumn('phone_number_id', 'text', (c) => c.primaryKey())
        .addColumn('time_zone', 'text', (c) => c.notNull())
        .addColumn('business_hours_json', 'text')
        .addColumn('first_response_target_ms', bigint)
        .addColumn('resolution_target_ms', bigint)
        .addColumn('csat_enabled', 'integer', (c) => c.notNull())
        .addColumn('csat_template_name', 'text')
        .addColumn('csat_template_language', 'text')
        .addColumn('csat_question', 'text')
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('sla_breaches')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('cycle', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('target_ms', bigint, (c) => c.notNull())
        .addColumn('due_at', bigint, (c) => c.notNull())
        .addColumn('assignee_user_id', 'text')
        .addColumn('team_id', 'text')
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addUniqueConstraint('sla_breaches_cycle_kind', ['conversation_id', 'cycle', 'kind'])
        .execute();
      await db.schema.createIndex('sla_breaches_created').on('sla_breaches').column('created_at').execute();

      await db.schema
        .createTable('csat_surveys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('cycle', 'integer', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('assignee_user_id', 'text')
        .addColumn('team_id', 'text')
        .addColumn('resolved_event_id', bigint, (c) => c.notNull().unique())
        .addColumn('sent_at', bigint, (c) => c.notNull())
        .addColumn('rating', 'integer')
        .addColumn('comment', 'text')
        .addColumn('rated_at', bigint)
        .addColumn('rating_message_id', 'text')
        .execute();
      await db.schema.createIndex('csat_surveys_message').on('csat_surveys').column('message_id').execute();
      await db.schema
        .createIndex('csat_surveys_conversation')
        .on('csat_surveys')
        .columns(['conversation_id', 'sent_at'])
        .execute();
    },
    async down(db: AnyDb) {
      for (const t of [
        'csat_surveys',
        'sla_breaches',
        'analytics_number_settings',
        'analytics_priced_messages',
        'analytics_series',
        'analytics_rollups_daily',
        'analytics_rollups',
        'analytics_conversations',
      ]) {
        await db.schema.dropTable(t).ifExists().execute();
      }
    },
  };
}
