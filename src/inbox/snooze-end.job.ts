import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { withEvents } from '../platform/events/with-events.ts';
import { defineJob, type JobContext } from '../platform/jobs/job.ts';
import { endSnoozeInTransaction } from './snooze-wake.ts';

/**
 * The end of a snooze: the conversation opens again if it is still snoozed until this very time
 * (snoozed again later, woken by the customer or by an operator: nothing to do).
 */
export const snoozeEndJob = defineJob({
  id: 'inbox.snooze-end',
  schema: z.object({ conversation_id: z.string(), until: z.number().int() }),
  async handler(payload, { deps }: JobContext<AppDeps>) {
    await withEvents(deps, async (trx) => {
      const row = await trx
        .selectFrom('conversations')
        .selectAll()
        .where('id', '=', payload.conversation_id)
        .executeTakeFirst();
      if (row?.status !== 'pending' || row.snoozed_until !== payload.until) return;
      await endSnoozeInTransaction(trx, {
        row,
        reason: 'time',
        actor: { kind: 'system', id: 'inbox:snooze' },
        now: deps.clock.now(),
      });
    });
  },
});
