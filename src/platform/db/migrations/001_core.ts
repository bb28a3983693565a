import type { Kysely, Migration } from 'kysely';
import { withSerialId } from '../column-types.ts';
import type { Dialect } from '../database.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that is being built.
type AnyDb = Kysely<any>;

export function coreMigration(dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('wabas')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text')
        .addColumn('owner_business_id', 'text')
        .addColumn('state', 'text', (c) => c.notNull().defaultTo('active'))
        .addColumn('last_lifecycle_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('phone_numbers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('waba_id', 'text', (c) => c.notNull())
        .addColumn('display_phone_number', 'text', (c) => c.notNull())
        .addColumn('verified_name', 'text')
        .addColumn('is_coexistence', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('connection_state', 'text', (c) => c.notNull().defaultTo('connected'))
        .addColumn('disconnection_reason', 'text')
        .addColumn('disconnection_initiated_by', 'text')
        .addColumn('connection_changed_at', 'bigint')
        .addColumn('last_lifecycle_at', 'bigint')
        .addColumn('onboarded_at', 'bigint')
        .addColumn('last_echo_at', 'bigint')
        .addColumn('history_state', 'text', (c) => c.notNull().defaultTo('not_requested'))
        .addColumn('history_progress', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('history_error_json', 'text')
        .addColumn('history_last_chunk_at', 'bigint')
        .addColumn('contacts_sync_state', 'text', (c) => c.notNull().defaultTo('not_requested'))
        .addColumn('throughput_mps', 'integer', (c) => c.notNull().defaultTo(20))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('phone_numbers_waba').on('phone_numbers').column('waba_id').execute();
      await db.schema
        .createIndex('phone_numbers_display')
        .on('phone_numbers')
        .column('display_phone_number')
        .execute();

      await db.schema
        .createTable('contacts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('wa_id', 'text')
        .addColumn('bsuid', 'text')
        .addColumn('parent_bsuid', 'text')
        .addColumn('username', 'text')
        .addColumn('profile_name', 'text')
        .addColumn('profile_name_at', 'bigint')
        .addColumn('address_book_name', 'text')
        .addColumn('address_book_first_name', 'text')
        .addColumn('in_address_book', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('address_book_synced_at', 'bigint')
        .addColumn('marketing_opt_out', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('marketing_opt_out_at', 'bigint')
        .addColumn('attributes_json', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('contacts_number_wa_id')
        .unique()
        .on('contacts')
        .columns(['phone_number_id', 'wa_id'])
        .execute();
      await db.schema
        .createIndex('contacts_number_bsuid')
        .unique()
        .on('contacts')
        .columns(['phone_number_id', 'bsuid'])
        .execute();

      await db.schema
        .createTable('contact_number_changes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('old_wa_id', 'text')
        .addColumn('new_wa_id', 'text', (c) => c.notNull())
        .addColumn('changed_at', 'bigint', (c) => c.notNull())
        .addColumn('message_wamid', 'text')
        .execute();
      await db.schema
        .createIndex('contact_number_changes_contact')
        .on('contact_number_changes')
        .column('contact_id')
        .execute();

      await db.schema
        .createTable('conversations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
        .addColumn('window_expires_at', 'bigint')
        .addColumn('last_customer_message_at', 'bigint')
        .addColumn('fep_expires_at', 'bigint')
        .addColumn('last_message_at', 'bigint')
        .addColumn('last_message_preview', 'text')
        .addColumn('unread_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('assignee_user_id', 'text')
        .addColumn('team_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('conversations_number_contact')
        .unique()
        .on('conversations')
        .columns(['phone_number_id', 'contact_id'])
        .execute();
      await db.schema
        .createIndex('conversations_last_message')
        .on('conversations')
        .columns(['last_message_at', 'id'])
        .execute();

      await db.schema
        .createTable('messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('wamid', 'text')
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('author_user_id', 'text')
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('content_json', 'text', (c) => c.notNull())
        .addColumn('edited_content_json', 'text')
        .addColumn('edited_at', 'bigint')
        .addColumn('deleted_at', 'bigint')
        .addColumn('context_wamid', 'text')
        .addColumn('context_json', 'text')
        .addColumn('referral_json', 'text')
        .addColumn('errors_json', 'text')
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('status_at', 'bigint')
        .addColumn('status_rank', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('error_json', 'text')
        .addColumn('pricing_json', 'text')
        .addColumn('reactions_json', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('history_status', 'text')
        .addColumn('biz_opaque_callback_data', 'text')
        .addColumn('webhook_event_id', 'bigint')
        .execute();
      await db.schema
        .createIndex('messages_number_wamid')
        .unique()
        .on('messages')
        .columns(['phone_number_id', 'wamid'])
        .execute();
      await db.schema
        .createIndex('messages_conversation_time')
        .on('messages')
        .columns(['conversation_id', 'timestamp', 'id'])
        .execute();

      await withSerialId(db.schema.createTable('message_status_events'), dialect)
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('wamid', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addColumn('recipient_id', 'text')
        .addColumn('errors_json', 'text')
        .addColumn('pricing_json', 'text')
        .addColumn('conversation_json', 'text')
        .addColumn('biz_opaque_callback_data', 'text')
        .addColumn('raw_json', 'text', (c) => c.notNull())
        .addColumn('webhook_event_id', 'bigint')
        .addColumn('applied', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('message_status_events_wamid')
        .on('message_status_events')
        .columns(['phone_number_id', 'wamid'])
        .execute();

      await withSerialId(db.schema.createTable('pending_applies'), dialect)
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('target_wamid', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('payload_json', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('pending_applies_target')
        .on('pending_applies')
        .columns(['phone_number_id', 'target_wamid'])
        .execute();

      await withSerialId(db.schema.createTable('webhook_events'), dialect)
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull().defaultTo('pending'))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('processed_at', 'bigint')
        .addColumn('error', 'text')
        .addColumn('claimed_by', 'text')
        .addColumn('claimed_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('webhook_events_state')
        .on('webhook_events')
        .columns(['state', 'id'])
        .execute();

      await db.schema
        .createTable('webhook_items')
        .addColumn('dedup_key', 'text', (c) => c.primaryKey())
        .addColumn('webhook_event_id', 'bigint', (c) => c.notNull())
        .addColumn('applied_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('processing_failures')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('webhook_event_id', 'bigint', (c) => c.notNull())
        .addColumn('item_path', 'text', (c) => c.notNull())
        .addColumn('field', 'text')
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('item_json', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('retry_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('resolved_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('processing_failures_event_path')
        .unique()
        .on('processing_failures')
        .columns(['webhook_event_id', 'item_path'])
        .execute();

      await db.schema
        .createTable('history_chunks')
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('phase', 'integer', (c) => c.notNull())
        .addColumn('chunk_order', 'integer', (c) => c.notNull())
        .addColumn('progress', 'integer', (c) => c.notNull())
        .addColumn('message_count', 'integer', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('history_chunks_pk', ['phone_number_id', 'phase', 'chunk_order'])
        .execute();

      await db.schema
        .createTable('templates')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('waba_id', 'text', (c) => c.notNull())
        .addColumn('meta_template_id', 'text')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('category', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('components_json', 'text')
        .addColumn('parameter_format', 'text')
        .addColumn('status_changed_at', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('templates_waba_name_language')
        .unique()
        .on('templates')
        .columns(['waba_id', 'name', 'language'])
        .execute();

      await withSerialId(db.schema.createTable('account_events'), dialect)
        .addColumn('waba_id', 'text', (c) => c.notNull())
        .addColumn('phone_number_id', 'text')
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('data_json', 'text', (c) => c.notNull())
        .addColumn('meta_time', 'bigint')
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .execute();

      await withSerialId(db.schema.createTable('domain_events'), dialect)
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('phone_number_id', 'text')
        .addColumn('payload_json', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text')
        .addColumn('waba_id', 'text')
        .addColumn('scopes', 'text', (c) => c.notNull().defaultTo('*'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_used_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .execute();
    },
    async down(db: AnyDb) {
      for (const table of [
        'api_tokens',
        'domain_events',
        'account_events',
        'templates',
        'history_chunks',
        'processing_failures',
        'webhook_items',
        'webhook_events',
        'pending_applies',
        'message_status_events',
        'messages',
        'conversations',
        'contact_number_changes',
        'contacts',
        'phone_numbers',
        'wabas',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
