import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import type { Principal } from '../auth/principal.ts';
import { setContactAttributes } from '../inbox/contact-attributes.ts';
import { addNote } from '../inbox/note-actions.ts';
import { endSnoozeInTransaction } from '../inbox/snooze-wake.ts';
import { withEvents } from '../platform/events/with-events.ts';
import { defineJob, type JobContext } from '../platform/jobs/job.ts';

/**
 * The principal automation acts as when it calls an operator's use-case that opens its own
 * transaction (a note, a contact attribute): a hub-internal token scoped to every business account,
 * named after the rule, so the event's actor says which rule did it.
 */
export function automationPrincipal(ruleId: string): Principal {
  return { kind: 'token', id: `automation:rule:${ruleId}`, userId: null, role: 'supervisor', wabaIds: null };
}

const ZQueuedAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal('note'), body: z.string().min(1).max(10_000) }),
  z.object({
    type: z.literal('set_attribute'),
    key: z.string().min(1).max(100),
    value: z.string().max(1000),
  }),
]);

/** A rule's note or attribute action, run through the same use-case an agent uses (`addNote`, `setContactAttributes`). */
export const ruleActionJob = defineJob({
  id: 'automation.rule-action',
  schema: z.object({ rule_id: z.string(), conversation_id: z.string(), action: ZQueuedAction }),
  retry: { attempts: 3, backoffMs: 5_000 },
  async handler(payload, { deps }: JobContext<AppDeps>) {
    const principal = automationPrincipal(payload.rule_id);
    const { action } = payload;
    if (action.type === 'note') {
      await addNote(deps, { principal, conversationId: payload.conversation_id, body: action.body });
      return;
    }
    const conversation = await deps.database.db
      .selectFrom('conversations')
      .select('contact_id')
      .where('id', '=', payload.conversation_id)
      .executeTakeFirst();
    if (!conversation) return;
    await setContactAttributes(deps, {
      principal,
      contactId: conversation.contact_id,
      attributes: { [action.key]: action.value },
    });
  },
});

/**
 * The end of a rule's snooze queued before rules used the inbox's snooze (`inbox/snooze.ts`, whose
 * `inbox.snooze-end` job wakes conversations now): a conversation still pending opens again.
 */
export const unsnoozeJob = defineJob({
  id: 'automation.unsnooze',
  schema: z.object({ conversation_id: z.string() }),
  async handler(payload, { deps }: JobContext<AppDeps>) {
    const now = deps.clock.now();
    await withEvents(deps, async (trx) => {
      const row = await trx
        .selectFrom('conversations')
        .selectAll()
        .where('id', '=', payload.conversation_id)
        .executeTakeFirst();
      // Snoozed since through the inbox's snooze: its own job wakes it.
      if (row?.status !== 'pending' || row.snoozed_until !== null) return;
      await endSnoozeInTransaction(trx, {
        row,
        reason: 'time',
        actor: { kind: 'system', id: 'automation:snooze' },
        now,
      });
    });
  },
});
