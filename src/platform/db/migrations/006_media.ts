import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that is being built.
type AnyDb = Kysely<any>;

/** Received media kept by the hub: bytes in the database, so every node serves them. */
export function mediaMigration(dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('media_files')
        .addColumn('message_id', 'text', (c) => c.primaryKey())
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('media_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('mime_type', 'text')
        .addColumn('sha256', 'text')
        .addColumn('size', 'bigint')
        .addColumn('bytes', dialect === 'postgres' ? 'bytea' : 'blob')
        .addColumn('error', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('media_files').ifExists().execute();
    },
  };
}
