import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { defineJob, type JobContext } from '../platform/jobs/job.ts';
import { pruneDedupKeys } from './webhook-event.repository.ts';

/** Meta redelivers for up to 7 days; deduplication keys are kept twice that. */
export const DEDUP_RETENTION_MS = 14 * 24 * 3_600_000;

/** Deletes webhook deduplication keys older than {@link DEDUP_RETENTION_MS}. */
export const dedupPruneJob = defineJob({
  id: 'meta-webhooks.dedup-prune',
  schema: z.object({}),
  schedule: { everyMs: 60 * 60_000, firstRunMs: 5_000 },
  async handler(_payload, { deps }: JobContext<AppDeps>) {
    const pruned = await pruneDedupKeys(deps.database.db, deps.clock.now() - DEDUP_RETENTION_MS);
    if (pruned > 0) deps.logger.info({ pruned }, 'old webhook deduplication keys deleted');
  },
});
