import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { withEvents } from '../platform/events/with-events.ts';
import { defineJob, type JobContext } from '../platform/jobs/job.ts';
import { drainQueue } from './route.ts';

/**
 * Drains the routing queue every 30 s, so a conversation waiting for an agent is assigned when one
 * comes online or enters their working hours (capacity freed by a resolve or a reassignment is
 * drained at once by the automation engine).
 */
export const routingDrainJob = defineJob({
  id: 'routing.drain',
  schema: z.object({}),
  schedule: { everyMs: 30_000, firstRunMs: 10_000 },
  retry: { attempts: 3, backoffMs: 5_000 },
  async handler(_payload, { deps }: JobContext<AppDeps>) {
    await withEvents(deps, (trx) => drainQueue(deps, trx, { limit: 200 }));
  },
});
