import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { newId } from '../platform/ids.ts';
import type { ConversationRow } from './conversation.table.ts';

/**
 * The one conversation between a business number and a contact, created on first need. Creation is
 * insert-or-ignore on the (phone_number_id, contact_id) unique key, so concurrent calls converge.
 * Records `conversation.opened` when it is created.
 */
export async function findOrCreateConversation(
  trx: Kysely<DB>,
  input: { phoneNumberId: string; contactId: string; at: number },
): Promise<ConversationRow> {
  const find = () =>
    trx
      .selectFrom('conversations')
      .selectAll()
      .where('phone_number_id', '=', input.phoneNumberId)
      .where('contact_id', '=', input.contactId)
      .executeTakeFirst();
  const existing = await find();
  if (existing) return existing;
  const inserted = await trx
    .insertInto('conversations')
    .values({
      id: newId(),
      phone_number_id: input.phoneNumberId,
      contact_id: input.contactId,
      status: 'open',
      window_expires_at: null,
      last_customer_message_at: null,
      fep_expires_at: null,
      last_message_at: null,
      last_message_preview: null,
      assignee_user_id: null,
      team_id: null,
      created_at: input.at,
      updated_at: input.at,
    })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) {
    await recordEvent(
      trx,
      {
        type: 'conversation.opened',
        phoneNumberId: input.phoneNumberId,
        payload: { conversation_id: inserted.id, contact_id: input.contactId },
      },
      input.at,
    );
    return inserted;
  }
  const raced = await find();
  if (!raced) throw new Error('conversation vanished after a conflicting insert');
  return raced;
}

/**
 * Records `conversation.updated` for a conversation the caller updated (`change` names what, e.g.
 * `last_message`); a change with its own catalogue event (assigned, resolved, …) records that instead.
 */
export async function conversationChanged(
  trx: Kysely<DB>,
  input: { phoneNumberId: string; conversationId: string; at: number; change?: string },
): Promise<void> {
  await recordEvent(
    trx,
    {
      type: 'conversation.updated',
      phoneNumberId: input.phoneNumberId,
      payload: { conversation_id: input.conversationId, change: input.change ?? 'activity' },
    },
    input.at,
  );
}
