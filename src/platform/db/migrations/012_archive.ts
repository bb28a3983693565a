import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that is being built.
type AnyDb = Kysely<any>;

/** The compliance archive (`archive/archive.table.ts`) and envelope encryption's data keys. */
export function archiveMigration(_dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('archive_entries')
        .addColumn('idx', 'bigint', (c) => c.primaryKey())
        .addColumn('event_id', 'bigint', (c) => c.unique())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('phone_number_id', 'text')
        .addColumn('contact_id', 'text')
        .addColumn('conversation_id', 'text')
        .addColumn('message_id', 'text')
        .addColumn('actor_id', 'text')
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('entry', 'text', (c) => c.notNull())
        .addColumn('leaf_hash', 'text', (c) => c.notNull())
        .execute();
      for (const column of ['message_id', 'contact_id', 'conversation_id', 'at'] as const) {
        await db.schema
          .createIndex(`archive_entries_${column}`)
          .on('archive_entries')
          .column(column)
          .execute();
      }
      await db.schema
        .createIndex('archive_entries_number')
        .on('archive_entries')
        .columns(['phone_number_id', 'at'])
        .execute();

      await db.schema
        .createTable('archive_payloads')
        .addColumn('idx', 'bigint', (c) => c.primaryKey())
        .addColumn('contact_id', 'text')
        .addColumn('salt', 'text', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('archive_payloads_contact')
        .on('archive_payloads')
        .column('contact_id')
        .execute();

      await db.schema
        .createTable('archive_head')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .execute();
      await db.insertInto('archive_head').values({ id: 1, size: 0 }).execute();

      await db.schema
        .createTable('archive_checkpoints')
        .addColumn('size', 'bigint', (c) => c.primaryKey())
        .addColumn('root_hash', 'text', (c) => c.notNull())
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('archive_keys')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('private_key', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('archive_verifications')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('ok', 'integer', (c) => c.notNull())
        .addColumn('problem', 'text')
        .execute();

      await db.schema
        .createTable('archive_holds')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('released_at', 'bigint')
        .addColumn('released_by', 'text')
        .addColumn('release_reason', 'text')
        .execute();
      await db.schema
        .createIndex('archive_holds_target')
        .on('archive_holds')
        .columns(['scope', 'target_id'])
        .execute();

      await db.schema
        .createTable('archive_retention')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text', (c) => c.notNull())
        .addColumn('keep_days', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('archive_retention_target', ['scope', 'target_id'])
        .execute();

      await db.schema
        .createTable('data_keys')
        .addColumn('subject', 'text', (c) => c.primaryKey())
        .addColumn('wrapped_key', 'text')
        .addColumn('master_key_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('destroyed_at', 'bigint')
        .execute();
    },
    async down(db: AnyDb) {
      for (const table of [
        'data_keys',
        'archive_retention',
        'archive_holds',
        'archive_verifications',
        'archive_keys',
        'archive_checkpoints',
        'archive_head',
        'archive_payloads',
        'archive_entries',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
