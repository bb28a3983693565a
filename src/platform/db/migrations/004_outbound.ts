import type { Kysely, Migration } from 'kysely';
import { withSerialId } from '../column-types.ts';
import type { Dialect } from '../database.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that is being built.
type AnyDb = Kysely<any>;

/** Outbound engine: outbox jobs, idempotency keys, number leases and pauses, alerts, costs, sync requests. */
export function outboundMigration(dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      await withSerialId(db.schema.createTable('outbox_jobs'), dialect)
        .addColumn('message_id', 'text', (c) => c.notNull().unique())
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('not_before', 'bigint')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('pair_backoffs', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('lease_epoch', 'bigint')
        .addColumn('claimed_by', 'text')
        .addColumn('dispatched_at', 'bigint')
        .addColumn('finished_at', 'bigint')
        .addColumn('last_error_json', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('outbox_jobs_number_state')
        .on('outbox_jobs')
        .columns(['phone_number_id', 'state', 'id'])
        .execute();
      await db.schema
        .createIndex('outbox_jobs_dispatched')
        .on('outbox_jobs')
        .columns(['phone_number_id', 'dispatched_at'])
        .execute();

      await db.schema
        .createTable('idempotency_keys')
        .addColumn('principal_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('response_status', 'integer')
        .addColumn('response_body', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['principal_id', 'key'])
        .execute();
      await db.schema
        .createIndex('idempotency_keys_expiry')
        .on('idempotency_keys')
        .column('expires_at')
        .execute();

      await db.schema
        .createTable('number_leases')
        .addColumn('phone_number_id', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('epoch', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('number_send_state')
        .addColumn('phone_number_id', 'text', (c) => c.primaryKey())
        .addColumn('paused_until', 'bigint')
        .addColumn('pause_kind', 'text')
        .addColumn('pause_reason', 'text')
        .addColumn('alert_id', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('alerts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('phone_number_id', 'text')
        .addColumn('waba_id', 'text')
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('details_json', 'text')
        .addColumn('count', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('first_at', 'bigint', (c) => c.notNull())
        .addColumn('last_at', 'bigint', (c) => c.notNull())
        .addColumn('resolved_at', 'bigint')
        .addColumn('resolved_by', 'text')
        .execute();
      await db.schema.createIndex('alerts_open').on('alerts').columns(['resolved_at', 'last_at']).execute();

      await db.schema
        .createTable('rate_card_entries')
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('country_code', 'text', (c) => c.notNull())
        .addColumn('price_micros', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('rate_card_entries_pk', ['category', 'country_code'])
        .execute();

      await db.schema
        .createTable('outbound_costs')
        .addColumn('message_id', 'text', (c) => c.primaryKey())
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('country_code', 'text', (c) => c.notNull())
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('pricing_type', 'text', (c) => c.notNull())
        .addColumn('estimated_micros', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('outbound_costs_number_time')
        .on('outbound_costs')
        .columns(['phone_number_id', 'created_at'])
        .execute();

      await db.schema
        .createTable('number_sync_requests')
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('sync_type', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text')
        .addColumn('error_json', 'text')
        .addColumn('requested_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('number_sync_requests_pk', ['phone_number_id', 'sync_type'])
        .execute();

      // Status webhooks are matched to our sends by the callback data (our message id) when the wamid is unknown.
      await db.schema
        .createIndex('message_status_events_callback')
        .on('message_status_events')
        .column('biz_opaque_callback_data')
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropIndex('message_status_events_callback').execute();
      for (const t of [
        'number_sync_requests',
        'outbound_costs',
        'rate_card_entries',
        'alerts',
        'number_send_state',
        'number_leases',
        'idempotency_keys',
        'outbox_jobs',
      ]) {
        await db.schema.dropTable(t).execute();
      }
    },
  };
}
