import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { defineJob, type JobContext } from '../platform/jobs/job.ts';
import { purgeExpiredKeys } from './idempotency.ts';

/** Deletes idempotency keys past their 24 hours. */
export const idempotencyPurgeJob = defineJob({
  id: 'outbound.idempotency-purge',
  schema: z.object({}),
  schedule: { everyMs: 60 * 60_000, firstRunMs: 5_000 },
  async handler(_payload, { deps }: JobContext<AppDeps>) {
    await purgeExpiredKeys(deps.database.db, deps.clock.now());
  },
});
