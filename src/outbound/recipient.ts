import type { Kysely, Selectable } from 'kysely';
import { findOrCreateContact, normalizePhone } from '../contacts/contact.repository.ts';
import type { ContactTable } from '../contacts/contact.table.ts';
import { findOrCreateConversation } from '../conversations/conversation.repository.ts';
import type { ConversationTable } from '../conversations/conversation.table.ts';
import type { DB } from '../database.ts';
import type { PhoneNumberTable } from '../numbers/number.table.ts';
import { AppError } from '../platform/errors.ts';

export type ResolvedRecipient = {
  readonly number: Selectable<PhoneNumberTable>;
  readonly contact: Selectable<ContactTable>;
  readonly conversation: Selectable<ConversationTable>;
};

/**
 * Who a message goes to: an existing conversation, a contact, or a phone number (or BSUID) on one of
 * our numbers; or rows the caller read in this transaction (`resolved`: automation answering a
 * batch of customer messages saves reading them again; the send policy checks again at dispatch).
 */
export type RecipientInput =
  | { readonly conversationId: string }
  | { readonly contactId: string }
  | { readonly phoneNumberId: string; readonly to: string }
  | { readonly resolved: ResolvedRecipient };

const BSUID = /^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128}$/;

async function numberById(trx: Kysely<DB>, id: string) {
  const number = await trx.selectFrom('phone_numbers').selectAll().where('id', '=', id).executeTakeFirst();
  if (!number) throw new AppError('NOT_FOUND', `No phone number ${id}.`);
  return number;
}

/** Resolves the recipient inside the send transaction, creating the contact and conversation when needed. */
export async function resolveRecipient(
  trx: Kysely<DB>,
  input: RecipientInput,
  now: number,
): Promise<ResolvedRecipient> {
  if ('resolved' in input) return input.resolved;
  if ('conversationId' in input) {
    const conversation = await trx
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', input.conversationId)
      .executeTakeFirst();
    if (!conversation) throw new AppError('NOT_FOUND', `No conversation ${input.conversationId}.`);
    const contact = await trx
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', conversation.contact_id)
      .executeTakeFirstOrThrow();
    return { number: await numberById(trx, conversation.phone_number_id), contact, conversation };
  }
  if ('contactId' in input) {
    const contact = await trx
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', input.contactId)
      .executeTakeFirst();
    if (!contact) throw new AppError('NOT_FOUND', `No contact ${input.contactId}.`);
    const number = await numberById(trx, contact.phone_number_id);
    const conversation = await findOrCreateConversation(trx, {
      phoneNumberId: number.id,
      contactId: contact.id,
      at: now,
    });
    return { number, contact, conversation };
  }
  const number = await numberById(trx, input.phoneNumberId);
  const isBsuid = BSUID.test(input.to.trim());
  const waId = isBsuid ? null : normalizePhone(input.to);
  if (!isBsuid && (waId === null || waId.length < 7 || waId.length > 15)) {
    throw new AppError('VALIDATION_FAILED', 'to must be a full international phone number or a BSUID.', [
      { path: '/to', message: 'expected E.164 digits with country code (7-15 digits) or a BSUID' },
    ]);
  }
  const contact = await findOrCreateContact(trx, {
    phoneNumberId: number.id,
    waId,
    bsuid: isBsuid ? input.to.trim() : null,
    at: now,
  });
  if (!contact) throw new AppError('VALIDATION_FAILED', 'to is empty.');
  const conversation = await findOrCreateConversation(trx, {
    phoneNumberId: number.id,
    contactId: contact.id,
    at: now,
  });
  return { number, contact, conversation };
}
