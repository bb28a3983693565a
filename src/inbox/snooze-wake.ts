import type { Kysely } from 'kysely';
import type { ConversationRow } from '../conversations/conversation.table.ts';
import type { DB } from '../database.ts';
import type { Actor } from '../platform/events/catalogue.ts';
import { recordEvent } from '../platform/events/record-event.ts';

/** Ends a snooze in the caller's transaction: the conversation is `open` again (`conversation.unsnoozed`). */
export async function endSnoozeInTransaction(
  trx: Kysely<DB>,
  input: {
    row: ConversationRow;
    reason: 'time' | 'customer_message' | 'operator';
    actor: Actor | null;
    now: number;
  },
): Promise<void> {
  const { row, reason, actor, now } = input;
  await trx
    .updateTable('conversations')
    .set({ status: 'open', snoozed_until: null, snoozed_by: null, updated_at: now })
    .where('id', '=', row.id)
    .execute();
  await recordEvent(
    trx,
    {
      type: 'conversation.unsnoozed',
      phoneNumberId: row.phone_number_id,
      payload: { conversation_id: row.id, reason, actor },
    },
    now,
  );
}
