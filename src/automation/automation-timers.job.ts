import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { lastHumanReplies } from '../outbound/automation-hold.ts';
import { withEvents } from '../platform/events/with-events.ts';
import { defineJob, type JobContext } from '../platform/jobs/job.ts';
import { resumeAutomation } from './control.ts';
import { rulesFor, runContextFor, runTriggered } from './rules.ts';

/**
 * The time-based side of automation, as jobs: "no human reply within N minutes" of a customer
 * message, and automation's return when the humans' silence has run out.
 */

/** Fires a rule's `no_human_reply` trigger if no human replied since the customer message. */
export const noHumanReplyJob = defineJob({
  id: 'automation.no-human-reply',
  schema: z.object({ rule_id: z.string(), conversation_id: z.string(), message_id: z.string() }),
  retry: { attempts: 3, backoffMs: 5_000 },
  async handler(payload, { deps }: JobContext<AppDeps>) {
    await withEvents(deps, async (trx) => {
      const now = deps.clock.now();
      const message = await trx
        .selectFrom('messages')
        .select(['id', 'type', 'content_json', 'received_at', 'origin'])
        .where('id', '=', payload.message_id)
        .executeTakeFirst();
      if (message?.origin !== 'customer') return;
      const human = (await lastHumanReplies(trx, [payload.conversation_id])).get(payload.conversation_id);
      if (human && human.at >= Number(message.received_at)) return; // A human answered: nothing to do.
      const ctx = await runContextFor(deps, trx, {
        conversationId: payload.conversation_id,
        now,
        message: { id: message.id, type: message.type, contentJson: message.content_json },
      });
      if (!ctx) return;
      const rules = (await rulesFor(trx, ctx.conversation.phone_number_id)).filter(
        (r) => r.row.id === payload.rule_id,
      );
      await runTriggered(
        ctx,
        rules,
        { kind: 'no_human_reply', ruleId: payload.rule_id },
        `nhr:${message.id}`,
      );
    });
  },
});

/** The humans' silence ran out: automation gets the conversation back (unless a later reply or a manual hold keeps it). */
export const automationResumeJob = defineJob({
  id: 'automation.resume',
  schema: z.object({ conversation_id: z.string() }),
  retry: { attempts: 3, backoffMs: 5_000 },
  async handler(payload, { deps }: JobContext<AppDeps>) {
    await withEvents(deps, (trx) =>
      resumeAutomation(trx, {
        conversationId: payload.conversation_id,
        at: deps.clock.now(),
        reason: 'silence',
        actor: { kind: 'system', id: 'automation' },
      }),
    );
  },
});
