import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { defineJob, type JobContext } from '../platform/jobs/job.ts';
import { inferHistoryCompletion } from './history.processor.ts';

/** Marks history imports that went quiet as complete (inferred); clients hear `number.changed`. */
export const historyCompletionJob = defineJob({
  id: 'messages.history-completion',
  schema: z.object({}),
  schedule: { everyMs: 60_000, firstRunMs: 5_000 },
  async handler(_payload, { deps }: JobContext<AppDeps>) {
    const n = await inferHistoryCompletion(deps.database.db, deps.clock.now());
    if (n > 0) {
      deps.logger.info({ numbers: n }, 'quiet history imports marked complete (inferred)');
      deps.signals.emit('events');
    }
  },
});
