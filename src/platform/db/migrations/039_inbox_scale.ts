import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that is being built.
type AnyDb = Kysely<any>;

/**
 * The inbox at scale (`npm run bench:inbox`, docs/benchmarks.md): the conversation list's views
 * "mine" / "unassigned" (by assignee) and "team" read their first page from an index in the list's
 * order too, like the plain and by-status lists of migration 022 (`conversation.queries.ts`
 * reads each number's range of one of them and merges). PostgreSQL: the search's text function
 * `coexist_message_text` is parallel unsafe (below).
 */
export function inboxScaleMigration(dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      if (dialect === 'postgres') {
        // Its exception block is a subtransaction, which PostgreSQL refuses inside a parallel plan
        // ("cannot start subtransactions during a parallel operation": a search of a common word
        // over 2,000,000 messages failed with 500). Migration 022 had declared it parallel safe.
        await sql`alter function coexist_message_text(text, text, bigint) parallel unsafe`.execute(db);
      }
      await sql`create index conversations_list_assignee on conversations (phone_number_id, assignee_user_id, (coalesce(last_message_at, -1)), id)`.execute(
        db,
      );
      await sql`create index conversations_list_team on conversations (phone_number_id, team_id, (coalesce(last_message_at, -1)), id)`.execute(
        db,
      );
    },
    async down(db: AnyDb) {
      if (dialect === 'postgres')
        await sql`alter function coexist_message_text(text, text, bigint) parallel safe`.execute(db);
      await sql`drop index if exists conversations_list_team`.execute(db);
      await sql`drop index if exists conversations_list_assignee`.execute(db);
    },
  };
}
