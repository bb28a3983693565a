import type { Kysely, Migration } from 'kysely';
import { bigint } from '../column-types.ts';
import type { Dialect } from '../database.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that is being built.
type AnyDb = Kysely<any>;

/**
 * Integrations: each number's sync-health checks (`sync-health/sync-health.table.ts`), the optional
 * Ed25519 (`v1a`) signing key of an outbound webhook endpoint, and an API token's scope and rate
 * limit (`auth/api-tokens.ts`).
 */
export function integrationsMigration(_dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('sync_health_checks')
        .addColumn('phone_number_id', 'text', (c) => c.notNull())
        .addColumn('check_name', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('details_json', 'text')
        .addColumn('since', bigint, (c) => c.notNull())
        .addColumn('checked_at', bigint, (c) => c.notNull())
        .addPrimaryKeyConstraint('sync_health_checks_pk', ['phone_number_id', 'check_name'])
        .execute();
      await db.schema.alterTable('webhook_endpoints').addColumn('signing_key', 'text').execute();
      await db.schema.alterTable('webhook_endpoints').addColumn('previous_signing_key', 'text').execute();
      await db.schema.alterTable('webhook_endpoints').addColumn('public_key', 'text').execute();
      await db.schema.alterTable('api_tokens').addColumn('scope', 'text').execute();
      await db.schema.alterTable('api_tokens').addColumn('rate_limit_per_minute', 'integer').execute();
    },
    async down(db: AnyDb) {
      await db.schema.alterTable('api_tokens').dropColumn('rate_limit_per_minute').execute();
      await db.schema.alterTable('api_tokens').dropColumn('scope').execute();
      for (const column of ['public_key', 'previous_signing_key', 'signing_key'])
        await db.schema.alterTable('webhook_endpoints').dropColumn(column).execute();
      await db.schema.dropTable('sync_health_checks').execute();
    },
  };
}
