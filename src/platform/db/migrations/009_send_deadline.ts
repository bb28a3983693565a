import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that is being built.
type AnyDb = Kysely<any>;

/**
 * `outbox_jobs.deadline_at`: the latest time a queued message may still go (a campaign's end, say).
 * A message still queued then (Meta unreachable, the number paused) fails with SEND_DEADLINE_PASSED
 * instead of arriving late. Null: no deadline of its own (the window still bounds free-form messages).
 */
export function sendDeadlineMigration(_dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      await sql`alter table outbox_jobs add column deadline_at bigint`.execute(db);
      await sql`alter table idempotency_keys add column owner text`.execute(db);
    },
    async down(db: AnyDb) {
      await sql`alter table idempotency_keys drop column owner`.execute(db);
      await sql`alter table outbox_jobs drop column deadline_at`.execute(db);
    },
  };
}
