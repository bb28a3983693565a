import type { Kysely } from 'kysely';
import type { JobRow, JobTables } from './job.table.ts';

/** Jobs that failed: one-off jobs that spent their attempts, and recurring jobs whose last run did. */
export async function listJobFailures(db: Kysely<JobTables>, input: { limit: number }): Promise<JobRow[]> {
  return db
    .selectFrom('jobs')
    .selectAll()
    .where((eb) => eb.or([eb('state', '=', 'failed'), eb('failed_at', 'is not', null)]))
    .orderBy('updated_at', 'desc')
    .orderBy('id')
    .limit(input.limit)
    .execute();
}

/** A job by id (tests, the failures view). */
export async function findJob(db: Kysely<JobTables>, id: string): Promise<JobRow | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
}
