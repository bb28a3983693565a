import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that is being built.
type AnyDb = Kysely<any>;

/**
 * Automation (`automation/automation.table.ts`): `automated_sends.by_handoff`, 1 for a message that
 * the automation which then handed the conversation to humans queued in the same transaction (a
 * flow's handoff message, "Connecting you with Sales"): humans hold the conversation, and that one
 * message still goes unless a human replies before it does.
 */
export function handoffSendsMigration(_dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .alterTable('automated_sends')
        .addColumn('by_handoff', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.alterTable('automated_sends').dropColumn('by_handoff').execute();
    },
  };
}
