import { findOrCreateContact, normalizePhone } from '../contacts/contact.repository.ts';
import { findOrCreateConversation } from '../conversations/conversation.repository.ts';
import { numberChanged } from '../numbers/number.repository.ts';
import { newId } from '../platform/ids.ts';
import {
  contactEntry,
  contentOf,
  type ItemContext,
  identityOf,
  numberForItem,
} from '../meta-webhooks/item-context.ts';
import { isObject, type Json, secondsToMs, str, type WebhookItem } from '../meta-webhooks/meta-payload.parser.ts';
import {
  applyToMessage,
  insertMessage,
  messageEvent,
  refreshConversationSummary,
} from './message.repository.ts';
import { statusRank } from './status.repository.ts';

type EchoItem = Extract<WebhookItem, { kind: 'echo' }>;

/**
 * A message the business sent from the WhatsApp Business app (`smb_message_echoes`). Stored as
 * outbound with origin `business_app`; it updates the conversation summary and the number's
 * `last_echo_at`, and never touches the customer-service window or the unread count.
 * Edit and revoke echoes apply to the original message.
 */
export async function processEcho(ctx: ItemContext, item: EchoItem): Promise<void> {
  const { trx, now } = ctx;
  const number = await numberForItem(ctx, item);
  const e = item.echo;
  const wamid = str(e.id) as string;
  const ts = secondsToMs(e.timestamp) ?? now;
  const type = str(e.type) ?? 'unsupported';
  const business = normalizePhone(item.displayPhoneNumber ?? number.display_phone_number);
  // The user side is whichever of from/to is not the business (SDK fixtures swap them).
  const to = str(e.to);
  const from = str(e.from);
  const userPhone = normalizePhone(to) === business ? from : to;
  const userBsuid = str(e.to_user_id);
  const who = identityOf(contactEntry(item.contacts, userPhone, userBsuid));
  const contact = await findOrCreateContact(trx, {
    phoneNumberId: number.id,
    waId: userPhone ?? who.waId,
    bsuid: userBsuid ?? who.bsuid,
    parentBsuid: str(e.to_parent_user_id) ?? who.parentBsuid,
    username: who.username,
    profileName: who.profileName,
    at: now,
    seenAt: ts,
  });
  if (!contact) throw new Error('echo names no user (to / to_user_id)');
  const conversation = await findOrCreateConversation(trx, {
    phoneNumberId: number.id,
    contactId: contact.id,
    at: now,
  });

  if (type === 'edit' || type === 'revoke' || type === 'reaction') {
    const obj = isObject(e[type]) ? (e[type] as Json) : {};
    const target = str(obj.original_message_id) ?? str(obj.message_id);
    if (target === null) throw new Error(`${type} echo without the id of its message`);
    if (type === 'edit') {
      const inner = isObject(obj.message) ? obj.message : {};
      const innerType = str(inner.type) ?? 'text';
      const change = { kind: 'edit' as const, type: innerType, content: contentOf(inner, innerType), at: ts };
      await applyToMessage(trx, { phoneNumberId: number.id, targetWamid: target, change, at: now });
    } else if (type === 'revoke') {
      await applyToMessage(trx, {
        phoneNumberId: number.id,
        targetWamid: target,
        change: { kind: 'revoke', at: ts },
        at: now,
      });
    } else {
      const change = {
        kind: 'reaction' as const,
        side: 'business' as const,
        emoji: str(obj.emoji) ?? '',
        wamid,
        at: ts,
      };
      await applyToMessage(trx, { phoneNumberId: number.id, targetWamid: target, change, at: now });
    }
  } else {
    const context = isObject(e.context) ? e.context : null;
    const row = {
      id: newId(),
      phone_number_id: number.id,
      conversation_id: conversation.id,
      contact_id: contact.id,
      wamid,
      direction: 'outbound' as const,
      origin: 'business_app' as const,
      author_user_id: null,
      type,
      content_json: JSON.stringify(contentOf(e, type)),
      edited_content_json: null,
      edited_at: null,
      deleted_at: null,
      context_wamid: context ? str(context.id) : null,
      context_json: context ? JSON.stringify(context) : null,
      referral_json: null,
      errors_json: Array.isArray(e.errors) && e.errors.length > 0 ? JSON.stringify(e.errors) : null,
      timestamp: ts,
      received_at: now,
      status: 'sent' as const,
      status_at: ts,
      status_rank: statusRank.sent,
      error_json: null,
      pricing_json: null,
      history_status: null,
      biz_opaque_callback_data: null,
      webhook_event_id: ctx.webhookEventId,
    };
    const { message, created } = await insertMessage(trx, row, now);
    if (!created && message.origin === 'history') {
      // The live echo wins over the imported copy of the same message, whichever came first.
      await trx
        .updateTable('messages')
        .set({
          origin: 'business_app',
          type,
          content_json: row.content_json,
          timestamp: ts,
          context_wamid: row.context_wamid,
          context_json: row.context_json,
        })
        .where('id', '=', message.id)
        .execute();
      await messageEvent(trx, 'message.changed', message, now);
    }
  }
  await refreshConversationSummary(trx, {
    conversationId: conversation.id,
    phoneNumberId: number.id,
    at: now,
  });
  if ((number.last_echo_at ?? 0) < ts) {
    await trx
      .updateTable('phone_numbers')
      .set({ last_echo_at: ts, updated_at: now })
      .where('id', '=', number.id)
      .execute();
    await numberChanged(trx, { phoneNumberId: number.id, at: now });
  }
}
