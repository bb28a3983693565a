import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that is being built.
type AnyDb = Kysely<any>;

/** Accounts: users, sessions, MFA, login throttling, teams, labels, notes, canned replies, settings. */
export function accountsMigration(_dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('all_wabas', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('mfa_secret', 'text')
        .addColumn('mfa_pending_secret', 'text')
        .addColumn('mfa_enabled_at', 'bigint')
        .addColumn('mfa_last_step', 'bigint')
        .addColumn('presence', 'text', (c) => c.notNull().defaultTo('offline'))
        .addColumn('presence_at', 'bigint')
        .addColumn('last_login_at', 'bigint')
        .addColumn('disabled_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('user_wabas')
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('waba_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('user_wabas_pk', ['user_id', 'waba_id'])
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('mfa_ok', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

      await db.schema
        .createTable('mfa_recovery_codes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('mfa_recovery_codes_user')
        .on('mfa_recovery_codes')
        .column('user_id')
        .execute();

      await db.schema
        .createTable('login_throttles')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('window_started_at', 'bigint', (c) => c.notNull())
        .addColumn('locked_until', 'bigint')
        .execute();

      await db.schema
        .createTable('teams')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('waba_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('team_members')
        .addColumn('team_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('team_members_pk', ['team_id', 'user_id'])
        .execute();
      await db.schema.createIndex('team_members_user').on('team_members').column('user_id').execute();

      await db.schema
        .createTable('labels')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('color', 'text')
        .addColumn('waba_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('conversation_labels')
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('label_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('conversation_labels_pk', ['conversation_id', 'label_id'])
        .execute();
      await db.schema
        .createIndex('conversation_labels_label')
        .on('conversation_labels')
        .column('label_id')
        .execute();

      await db.schema
        .createTable('conversation_notes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('author_user_id', 'text')
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('conversation_notes_conversation')
        .on('conversation_notes')
        .columns(['conversation_id', 'created_at'])
        .execute();

      await db.schema
        .createTable('canned_replies')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('shortcut', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('team_id', 'text')
        .addColumn('waba_id', 'text')
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value_json', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createIndex('conversations_assignee_status')
        .on('conversations')
        .columns(['assignee_user_id', 'status'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropIndex('conversations_assignee_status').ifExists().execute();
      for (const table of [
        'settings',
        'canned_replies',
        'conversation_notes',
        'conversation_labels',
        'labels',
        'team_members',
        'teams',
        'login_throttles',
        'mfa_recovery_codes',
        'sessions',
        'user_wabas',
        'users',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
