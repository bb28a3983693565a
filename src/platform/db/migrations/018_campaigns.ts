import type { Kysely, Migration } from 'kysely';
import { bigint, withSerialId } from '../column-types.ts';
import type { Dialect } from '../database.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that is being built.
type AnyDb = Kysely<any>;

/**
 * Template governance and campaigns (`templates/template.table.ts`, `campaigns/campaign.table.ts`):
 * who created a template and its quality, the history of every template change, campaigns and their
 * recipients.
 */
export function campaignsMigration(dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema.alterTable('templates').addColumn('quality_score', 'text').execute();
      await db.schema.alterTable('templates').addColumn('created_by', 'text').execute();
      await db.schema.alterTable('templates').addColumn('created_at', bigint).execute();

      await withSerialId(db.schema.createTable('template_history'), dialect)
        .addColumn('template_id', 'text', (c) => c.notNull())
        .addColumn('waba_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('actor_kind', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('details_json', 'text', (c) => c.notNull())
        .addColumn('at', bigint, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('template_history_template')
        .on('template_history')
        .columns(['template_id', 'id'])
        .execute();

      await db.schema
        .createTable('campaigns')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('waba_id', 'text', (c) => c.notNull())
        .addColumn('template_name', 'text', (c) => c.notNull())
        .addColumn('template_language', 'text', (c) => c.notNull())
        .addColumn('parameters_json', 'text', (c) => c.notNull())
        .addColumn('audience_json', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('scheduled_at', bigint)
        .addColumn('time_zone', 'text')
        .addColumn('estimate_json', 'text')
        .addColumn('total_recipients', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('fanout_step', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_ordinal', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('started_at', bigint)
        .addColumn('finished_at', bigint)
        .addColumn('created_by', 'text')
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('campaigns_number').on('campaigns').column('phone_number_id').execute();

      await db.schema
        .createTable('campaign_recipients')
        .addColumn('campaign_id', 'text', (c) => c.notNull())
        .addColumn('ordinal', 'integer', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text')
        .addColumn('refusal_code', 'text')
        .addColumn('refusal_message', 'text')
        .addColumn('queued_at', bigint)
        .addColumn('replied_at', bigint)
        .addColumn('reply_message_id', 'text')
        .addColumn('button_payload', 'text')
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .addPrimaryKeyConstraint('campaign_recipients_pk', ['campaign_id', 'ordinal'])
        .execute();
      await db.schema
        .createIndex('campaign_recipients_contact')
        .unique()
        .on('campaign_recipients')
        .columns(['campaign_id', 'contact_id'])
        .execute();
      await db.schema
        .createIndex('campaign_recipients_message')
        .on('campaign_recipients')
        .column('message_id')
        .execute();
      await db.schema
        .createIndex('campaign_recipients_by_contact')
        .on('campaign_recipients')
        .columns(['contact_id', 'queued_at'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('campaign_recipients').execute();
      await db.schema.dropTable('campaigns').execute();
      await db.schema.dropTable('template_history').execute();
      await db.schema.alterTable('templates').dropColumn('created_at').execute();
      await db.schema.alterTable('templates').dropColumn('created_by').execute();
      await db.schema.alterTable('templates').dropColumn('quality_score').execute();
    },
  };
}
