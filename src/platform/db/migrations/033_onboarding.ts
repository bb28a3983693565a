import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that is being built.
type AnyDb = Kysely<any>;

/**
 * Onboarding a WhatsApp Business app number (src/onboarding/): one row per Embedded Signup
 * attempt (`onboarding_sessions`: the eligibility answers, what the popup returned, each step's
 * outcome) and each WABA's own Meta credential (`waba_credentials`: the business token from the
 * code exchange, sealed with platform/crypto/secrets.ts). `number_sync_requests` (004) keeps one
 * row per number and sync type; its `state` gains `unknown` and `refused`, and `outcome_note`
 * records what an operator said when resolving an unknown outcome.
 */
export function onboardingMigration(_dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('onboarding_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('eligibility_json', 'text', (c) => c.notNull())
        .addColumn('waba_id', 'text')
        .addColumn('phone_number_id', 'text')
        .addColumn('steps_json', 'text', (c) => c.notNull())
        .addColumn('error_json', 'text')
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('onboarding_sessions_number')
        .on('onboarding_sessions')
        .columns(['phone_number_id', 'created_at'])
        .execute();
      await db.schema
        .createTable('waba_credentials')
        .addColumn('waba_id', 'text', (c) => c.primaryKey())
        .addColumn('token_sealed', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.alterTable('number_sync_requests').addColumn('outcome_note', 'text').execute();
    },
    async down(db: AnyDb) {
      await db.schema.alterTable('number_sync_requests').dropColumn('outcome_note').execute();
      await db.schema.dropTable('waba_credentials').execute();
      await db.schema.dropTable('onboarding_sessions').execute();
    },
  };
}
