import type { Kysely } from 'kysely';
import { z } from 'zod';
import { pruneFinishedJobs } from './job.repository.ts';
import type { JobTables } from './job.table.ts';
import { defineJob, type JobContext } from './job.ts';

/** How long a finished one-off job stays in `jobs` (its key still dedupes an enqueue meanwhile). */
export const FINISHED_JOB_RETENTION_MS = 7 * 24 * 3_600_000;

type PruneDeps = {
  readonly database: { readonly db: object };
  readonly clock: { now(): number };
};

/**
 * Deletes one-off jobs that finished well before now (see {@link pruneFinishedJobs}), so every
 * outbound webhook attempt and other one-off work does not stay in the table for ever. Failures stay.
 */
export const jobPruneJob = defineJob({
  id: 'jobs.prune',
  schema: z.object({}).strict() as z.ZodType<Record<string, never>>,
  schedule: { everyMs: 60 * 60_000, firstRunMs: 60_000 },
  async handler(_payload, { deps }: JobContext<PruneDeps>) {
    // The hub's schema includes the jobs table; Kysely cannot see a schema as its subset.
    const db = deps.database.db as Kysely<JobTables>;
    await pruneFinishedJobs(db, deps.clock.now() - FINISHED_JOB_RETENTION_MS);
  },
});
