import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { defineJob, type JobContext } from '../platform/jobs/job.ts';
import { syncTemplates } from './template-sync.ts';

/**
 * Refreshes every known business account's templates from Graph (status webhooks can be missed).
 * Every account is tried; the run fails (and retries) when any of them could not be read.
 */
export const templateSyncJob = defineJob({
  id: 'templates.sync',
  schema: z.object({}),
  schedule: { everyMs: 15 * 60_000, firstRunMs: 5_000 },
  retry: { attempts: 3, backoffMs: 30_000 },
  async handler(_payload, { deps }: JobContext<AppDeps>) {
    if (!deps.config.metaAccessToken) return;
    const db = deps.database.db;
    const graph = deps.graph;
    const wabas = await db.selectFrom('phone_numbers').select('waba_id').distinct().execute();
    const failed: string[] = [];
    for (const { waba_id } of wabas) {
      const r = await syncTemplates({ db, graph, now: deps.clock.now() }, waba_id);
      if (!r.ok) failed.push(`${waba_id}: ${r.error.message}`);
    }
    if (failed.length > 0) throw new Error(`template sync failed for ${failed.join('; ')}`);
  },
});
