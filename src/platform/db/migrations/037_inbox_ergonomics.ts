import type { Kysely, Migration } from 'kysely';
import { bigint } from '../column-types.ts';
import type { Dialect } from '../database.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that is being built.
type AnyDb = Kysely<any>;

/**
 * The team inbox's ergonomics (src/inbox/, docs/inbox.md): a conversation snoozed until a time
 * (`conversations.snoozed_until`, `snoozed_by`; it is `pending` meanwhile), the colleagues
 * `@mentioned` in internal notes (`note_mentions`, with when the mentioned user saw it), and each
 * user's browser notification settings (`inbox_preferences`).
 */
export function inboxErgonomicsMigration(_dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema.alterTable('conversations').addColumn('snoozed_until', bigint).execute();
      await db.schema.alterTable('conversations').addColumn('snoozed_by', 'text').execute();
      await db.schema
        .createTable('note_mentions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('note_id', 'text', (c) => c.notNull())
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('author_user_id', 'text')
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('read_at', bigint)
        .execute();
      await db.schema
        .createIndex('note_mentions_user')
        .on('note_mentions')
        .columns(['user_id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('note_mentions_note_user')
        .on('note_mentions')
        .columns(['note_id', 'user_id'])
        .unique()
        .execute();
      await db.schema
        .createTable('inbox_preferences')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('notifications', 'integer', (c) => c.notNull())
        .addColumn('sound', 'integer', (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('inbox_preferences').execute();
      await db.schema.dropTable('note_mentions').execute();
      await db.schema.alterTable('conversations').dropColumn('snoozed_by').execute();
      await db.schema.alterTable('conversations').dropColumn('snoozed_until').execute();
    },
  };
}
