import type { Kysely, Migration } from 'kysely';
import { bigint, withSerialId } from '../column-types.ts';
import type { Dialect } from '../database.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that is being built.
type AnyDb = Kysely<any>;

/**
 * Automation and routing (`automation/automation.table.ts`, `routing/routing.table.ts`): who is in
 * control of each conversation, the automated sends and their origin, rules and their run log,
 * per-number automation settings, business hours, VIP contacts, routing policies, agents' routing
 * profiles, the routing queue and the reason of each assignment.
 */
export function automationMigration(dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('automation_settings')
        .addColumn('phone_number_id', 'text', (c) => c.primaryKey())
        .addColumn('human_silence_ms', bigint, (c) => c.notNull())
        .addColumn('loop_cap_per_hour', 'integer', (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('conversation_control')
        .addColumn('conversation_id', 'text', (c) => c.primaryKey())
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('since', bigint, (c) => c.notNull())
        .addColumn('by_kind', 'text')
        .addColumn('by_id', 'text')
        .addColumn('paused_until', bigint)
        .addColumn('keep_with_humans', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('handed_back_at', bigint)
        .addColumn('active_flow_run_id', 'text')
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('automated_sends')
        .addColumn('message_id', 'text', (c) => c.primaryKey())
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('origin_ref', 'text', (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('cancelled_at', bigint)
        .addColumn('cancel_reason', 'text')
        .execute();
      await db.schema
        .createIndex('automated_sends_conversation')
        .on('automated_sends')
        .columns(['conversation_id', 'created_at'])
        .execute();

      await db.schema
        .createTable('automation_rules')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('phone_number_id', 'text')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('trigger_json', 'text', (c) => c.notNull())
        .addColumn('conditions_json', 'text', (c) => c.notNull())
        .addColumn('actions_json', 'text', (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .execute();

      await withSerialId(db.schema.createTable('automation_runs'), dialect)
        .addColumn('rule_id', 'text', (c) => c.notNull())
        .addColumn('conversation_id', 'text')
        .addColumn('phone_number_id', 'text')
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('dedup_key', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('steps_json', 'text', (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('finished_at', bigint)
        .execute();
      await db.schema
        .createIndex('automation_runs_dedup')
        .unique()
        .on('automation_runs')
        .columns(['rule_id', 'dedup_key'])
        .execute();
      await db.schema
        .createIndex('automation_runs_conversation')
        .on('automation_runs')
        .columns(['conversation_id', 'id'])
        .execute();

      await db.schema
        .createTable('business_hours')
        .addColumn('phone_number_id', 'text', (c) => c.primaryKey())
        .addColumn('time_zone', 'text', (c) => c.notNull())
        .addColumn('weekly_json', 'text', (c) => c.notNull())
        .addColumn('holidays_json', 'text', (c) => c.notNull())
        .addColumn('out_of_hours_text', 'text')
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('vip_contacts')
        .addColumn('contact_id', 'text', (c) => c.primaryKey())
        .addColumn('note', 'text')
        .addColumn('created_by', 'text')
        .addColumn('created_at', bigint, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('routing_policies')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('phone_number_id', 'text')
        .addColumn('team_id', 'text')
        .addColumn('strategy', 'text', (c) => c.notNull())
        .addColumn('match_skills', 'integer', (c) => c.notNull())
        .addColumn('match_language', 'integer', (c) => c.notNull())
        .addColumn('require_available', 'integer', (c) => c.notNull())
        .addColumn('default_capacity', 'integer', (c) => c.notNull())
        .addColumn('last_user_id', 'text')
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('agent_routing')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('skills_json', 'text', (c) => c.notNull())
        .addColumn('languages_json', 'text', (c) => c.notNull())
        .addColumn('capacity', 'integer')
        .addColumn('time_zone', 'text')
        .addColumn('working_hours_json', 'text')
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('routing_queue')
        .addColumn('conversation_id', 'text', (c) => c.primaryKey())
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('policy_id', 'text')
        .addColumn('team_id', 'text')
        .addColumn('skills_json', 'text', (c) => c.notNull())
        .addColumn('language', 'text')
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('queued_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('routing_queue_time').on('routing_queue').column('queued_at').execute();

      await withSerialId(db.schema.createTable('routing_decisions'), dialect)
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('policy_id', 'text')
        .addColumn('user_id', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('why_json', 'text', (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('routing_decisions_conversation')
        .on('routing_decisions')
        .columns(['conversation_id', 'id'])
        .execute();
    },
    async down(db: AnyDb) {
      for (const table of [
        'routing_decisions',
        'routing_queue',
        'agent_routing',
        'routing_policies',
        'vip_contacts',
        'business_hours',
        'automation_runs',
        'automation_rules',
        'automated_sends',
        'conversation_control',
        'automation_settings',
      ]) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}
