import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import { newId } from '../platform/ids.ts';
import { recordDomainEvent } from '../platform/realtime/domain-events.ts';
import type { ConversationRow } from './conversation.table.ts';

/**
 * The one conversation between a business number and a contact, created on first need. Creation is
 * insert-or-ignore on the (phone_number_id, contact_id) unique key, so concurrent calls converge.
 * Records `conversation.changed` when it is created.
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
    await conversationChanged(trx, {
      phoneNumberId: input.phoneNumberId,
      conversationId: inserted.id,
      at: input.at,
    });
    return inserted;
  }
  const raced = await find();
  if (!raced) throw new Error('conversation vanished after a conflicting insert');
  return raced;
}

/** Records `conversation.changed` for a conversation the caller updated. */
export async function conversationChanged(
  trx: Kysely<DB>,
  input: { phoneNumberId: string; conversationId: string; at: number },
): Promise<void> {
  await recordDomainEvent(
    trx,
    {
      type: 'conversation.changed',
      phoneNumberId: input.phoneNumberId,
      payload: { conversation_id: input.conversationId },
    },
    input.at,
  );
}
