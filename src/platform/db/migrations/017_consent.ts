import type { Kysely, Migration } from 'kysely';
import { bigint, withSerialId } from '../column-types.ts';
import type { Dialect } from '../database.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that is being built.
type AnyDb = Kysely<any>;

/**
 * The consent ledger and its projection (`consent/consent.table.ts`), each number's consent
 * settings, saved segments (`audiences/audience.table.ts`) and contact imports.
 */
export function consentMigration(dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      await withSerialId(db.schema.createTable('consent_records'), dialect)
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('wording', 'text')
        .addColumn('wording_sha256', 'text')
        .addColumn('actor_kind', 'text')
        .addColumn('actor_id', 'text')
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .addColumn('evidence', 'text')
        .addColumn('at', bigint, (c) => c.notNull())
        .addColumn('recorded_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('consent_records_contact')
        .on('consent_records')
        .columns(['contact_id', 'scope', 'at'])
        .execute();
      await db.schema
        .createIndex('consent_records_number')
        .on('consent_records')
        .columns(['phone_number_id', 'id'])
        .execute();
      await db.schema
        .createTable('consent_states')
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('record_id', bigint, (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('changed_at', bigint, (c) => c.notNull())
        .addPrimaryKeyConstraint('consent_states_pk', ['contact_id', 'scope'])
        .execute();
      await db.schema
        .createIndex('consent_states_number')
        .on('consent_states')
        .columns(['phone_number_id', 'scope', 'state'])
        .execute();
      await db.schema
        .createTable('consent_settings')
        .addColumn('phone_number_id', 'text', (c) => c.primaryKey())
        .addColumn('policy', 'text', (c) => c.notNull())
        .addColumn('opt_out_keywords_json', 'text')
        .addColumn('opt_in_keywords_json', 'text')
        .addColumn('opt_out_reply', 'text')
        .addColumn('opt_in_reply', 'text')
        .addColumn('page_wording', 'text')
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .addColumn('updated_by', 'text')
        .execute();
      await db.schema
        .createTable('segments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('filter_json', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('contact_imports')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text')
        .addColumn('csv_text', 'text')
        .addColumn('total_rows', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('processed_rows', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('imported_rows', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('rejected_rows', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('rejects_json', 'text')
        .addColumn('error', 'text')
        .addColumn('created_by', 'text')
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      for (const t of [
        'contact_imports',
        'segments',
        'consent_settings',
        'consent_states',
        'consent_records',
      ])
        await db.schema.dropTable(t).execute();
    },
  };
}
