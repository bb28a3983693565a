import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { defineJob, type JobContext } from '../platform/jobs/job.ts';
import { downloadPendingMedia } from './media.service.ts';

/** Downloads received media the hub does not keep yet, before Meta's ids expire (7 days). */
export const mediaDownloadJob = defineJob({
  id: 'media.download',
  schema: z.object({}),
  schedule: { everyMs: 30_000, firstRunMs: 5_000 },
  retry: { attempts: 3, backoffMs: 10_000 },
  async handler(_payload, { deps, signal }: JobContext<AppDeps>) {
    if (!deps.config.metaAccessToken) return;
    const graph = deps.graph;
    // Each pass takes a slice; keep going while there is more, until the node stops.
    for (let i = 0; i < 50 && !signal.aborted; i++) {
      const stored = await downloadPendingMedia({ db: deps.database.db, graph, now: deps.clock.now() });
      if (stored === 0) break;
    }
  },
});
