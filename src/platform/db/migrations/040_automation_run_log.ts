import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that is being built.
type AnyDb = Kysely<any>;

/**
 * Automation (`automation/automation.table.ts`): the run log read by rule, newest first (a rule's
 * runs page in the web app, `GET /api/automation/runs?rule_id=`), without sorting every run of a
 * busy rule: `automation_runs (rule_id, id)`.
 */
export function automationRunLogMigration(_dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createIndex('automation_runs_rule')
        .on('automation_runs')
        .columns(['rule_id', 'id'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropIndex('automation_runs_rule').execute();
    },
  };
}
