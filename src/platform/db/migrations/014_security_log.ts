import type { Kysely, Migration } from 'kysely';
import { bigint, withSerialId } from '../column-types.ts';
import type { Dialect } from '../database.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that is being built.
type AnyDb = Kysely<any>;

/** The security log (`security/security-log.table.ts`): sign-ins, credentials and administration. */
export function securityLogMigration(dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      await withSerialId(db.schema.createTable('security_log'), dialect)
        .addColumn('at', bigint, (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('actor_user_id', 'text')
        .addColumn('actor_token_id', 'text')
        .addColumn('target_user_id', 'text')
        .addColumn('target_token_id', 'text')
        .addColumn('email', 'text')
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .addColumn('details_json', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('security_log_at').on('security_log').column('at').execute();
      await db.schema
        .createIndex('security_log_target_user')
        .on('security_log')
        .columns(['target_user_id', 'id'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('security_log').execute();
    },
  };
}
