import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that is being built.
type AnyDb = Kysely<any>;

/**
 * The archive's retention, erasure and anchoring (issue 13): where each checkpoint was anchored
 * (`archive_anchors`: one row per witness or location and tree size, with the witness's
 * co-signature), and an index for purging by age. The data migration that encrypts rows stored in
 * the clear (TOTP secrets, archive payloads) needs the master key, so it runs as the
 * `archive.seal-at-rest` job rather than here.
 */
export function archiveRetentionMigration(_dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('archive_anchors')
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('anchored_at', 'bigint', (c) => c.notNull())
        .addColumn('ok', 'integer', (c) => c.notNull())
        /** The witness's co-signature lines, or the object written. */
        .addColumn('receipt', 'text')
        .addColumn('error', 'text')
        .addPrimaryKeyConstraint('archive_anchors_pk', ['target', 'size'])
        .execute();
      await db.schema
        .createIndex('messages_number_timestamp_archive')
        .on('messages')
        .columns(['phone_number_id', 'timestamp'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropIndex('messages_number_timestamp_archive').ifExists().execute();
      await db.schema.dropTable('archive_anchors').ifExists().execute();
    },
  };
}
