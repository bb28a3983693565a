import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { defineJob, type JobContext } from '../platform/jobs/job.ts';
import { makeCheckpoint } from './checkpoint.ts';

/**
 * Signs a new checkpoint every minute while the log grows (a no-op when it did not), well inside
 * the five minutes the archive promises. `POST /api/audit/checkpoint` signs one on demand.
 */
export const archiveCheckpointJob = defineJob({
  id: 'archive.checkpoint',
  schema: z.object({}),
  schedule: { everyMs: 60_000, firstRunMs: 5_000 },
  async handler(_payload, { deps, now }: JobContext<AppDeps>) {
    await makeCheckpoint(deps.database.db, { config: deps.config, now });
  },
});
