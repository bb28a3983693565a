import { sql } from 'kysely';
import { findOrCreateContact } from '../contacts/contact.repository.ts';
import { recordNumberChange } from '../contacts/number-change.repository.ts';
import { conversationChanged, findOrCreateConversation } from '../conversations/conversation.repository.ts';
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

const HOUR = 3_600_000;

/** Inbound types stored as they are; anything else is stored as `unsupported`. */
const KNOWN_TYPES = new Set([
  'text',
  'image',
  'video',
  'document',
  'audio',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'button',
  'order',
  'system',
  'unsupported',
  'request_welcome',
]);

type MessageItem = Extract<WebhookItem, { kind: 'message' }>;

/**
 * A live inbound message (`messages` field). Creates the contact and conversation, stores the
 * message, and — being live and from the customer — moves the customer-service window, the
 * free-entry-point window (referrals), the unread count and the conversation summary.
 */
export async function processInboundMessage(ctx: ItemContext, item: MessageItem): Promise<void> {
  const { trx, now } = ctx;
  const number = await numberForItem(ctx, item);
  const m = item.message;
  const wamid = str(m.id) as string;
  const ts = secondsToMs(m.timestamp) ?? now;
  const rawType = str(m.type) ?? 'unsupported';
  const from = str(m.from);
  const fromUserId = str(m.from_user_id);
  const entry = contactEntry(item.contacts, from, fromUserId);
  const who = identityOf(entry);
  const contact = await findOrCreateContact(trx, {
    phoneNumberId: number.id,
    waId: from ?? who.waId,
    bsuid: fromUserId ?? who.bsuid,
    parentBsuid: str(m.from_parent_user_id) ?? who.parentBsuid,
    username: who.username,
    profileName: who.profileName,
    at: now,
    seenAt: ts,
  });
  if (!contact) throw new Error('message has neither from nor from_user_id');
  const conversation = await findOrCreateConversation(trx, {
    phoneNumberId: number.id,
    contactId: contact.id,
    at: now,
  });

  if (rawType === 'reaction' || rawType === 'edit' || rawType === 'revoke') {
    const obj = isObject(m[rawType]) ? (m[rawType] as Json) : {};
    const target = str(obj.message_id) ?? str(obj.original_message_id);
    if (target === null) throw new Error(`${rawType} without the id of its message`);
    if (rawType === 'reaction') {
      const change = {
        kind: 'reaction' as const,
        side: 'customer' as const,
        emoji: str(obj.emoji) ?? '',
        wamid,
        at: ts,
      };
      await applyToMessage(trx, { phoneNumberId: number.id, targetWamid: target, change, at: now });
      await moveWindow(ctx, conversation.id, number.id, ts, null);
    } else if (rawType === 'edit') {
      const inner = isObject(obj.message) ? obj.message : {};
      const innerType = str(inner.type) ?? 'text';
      const change = { kind: 'edit' as const, type: innerType, content: contentOf(inner, innerType), at: ts };
      await applyToMessage(trx, { phoneNumberId: number.id, targetWamid: target, change, at: now });
      await refreshConversationSummary(trx, {
        conversationId: conversation.id,
        phoneNumberId: number.id,
        at: now,
      });
    } else {
      await applyToMessage(trx, {
        phoneNumberId: number.id,
        targetWamid: target,
        change: { kind: 'revoke', at: ts },
        at: now,
      });
    }
    return;
  }

  const known = KNOWN_TYPES.has(rawType);
  const type = known ? rawType : 'unsupported';
  const content = known ? contentOf(m, rawType) : { type: rawType, [rawType]: m[rawType] ?? null };
  const context = isObject(m.context) ? m.context : null;
  const errors = Array.isArray(m.errors) && m.errors.length > 0 ? m.errors : null;
  const row = {
    id: newId(),
    phone_number_id: number.id,
    conversation_id: conversation.id,
    contact_id: contact.id,
    wamid,
    direction: 'inbound' as const,
    origin: 'customer' as const,
    author_user_id: null,
    type,
    content_json: JSON.stringify(content),
    edited_content_json: null,
    edited_at: null,
    deleted_at: null,
    context_wamid: context ? str(context.id) : null,
    context_json: context ? JSON.stringify(context) : null,
    referral_json: isObject(m.referral) ? JSON.stringify(m.referral) : null,
    errors_json: errors ? JSON.stringify(errors) : null,
    timestamp: ts,
    received_at: now,
    status: 'received' as const,
    status_at: ts,
    error_json: null,
    pricing_json: null,
    history_status: null,
    biz_opaque_callback_data: null,
    webhook_event_id: ctx.webhookEventId,
  };
  const { message, created } = await insertMessage(trx, row, now);
  if (!created && message.origin === 'history') {
    // The live copy wins over the imported one, whichever arrived first.
    const {
      id: _id,
      conversation_id: _c,
      contact_id: _k,
      history_status: _h,
      webhook_event_id: _w,
      ...live
    } = row;
    await trx.updateTable('messages').set(live).where('id', '=', message.id).execute();
    await messageEvent(trx, 'message.changed', message, now);
  }

  if (type === 'system') {
    const system = isObject(m.system) ? m.system : {};
    const kind = str(system.type);
    const newWaId = str(system.wa_id) ?? str(system.new_wa_id);
    if ((kind === 'user_changed_number' || kind === 'customer_changed_number') && newWaId !== null) {
      await recordNumberChange(trx, { contact, newWaId, changedAt: ts, wamid, at: now });
    }
    await refreshConversationSummary(trx, {
      conversationId: conversation.id,
      phoneNumberId: number.id,
      at: now,
    });
    return;
  }
  await moveWindow(ctx, conversation.id, number.id, ts, isObject(m.referral) ? m.referral : null, true);
}

/** Live customer activity: window = max(live inbound) + 24 h; a referral opens a 72 h free-entry-point window. */
async function moveWindow(
  ctx: ItemContext,
  conversationId: string,
  phoneNumberId: string,
  ts: number,
  referral: Json | null,
  countsAsUnread = false,
): Promise<void> {
  const { trx, now } = ctx;
  const conv = await trx
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', conversationId)
    .executeTakeFirstOrThrow();
  const patch: Record<string, unknown> = {};
  if ((conv.window_expires_at ?? 0) < ts + 24 * HOUR) patch.window_expires_at = ts + 24 * HOUR;
  if ((conv.last_customer_message_at ?? 0) < ts) patch.last_customer_message_at = ts;
  if (referral && (conv.fep_expires_at ?? 0) < ts + 72 * HOUR) patch.fep_expires_at = ts + 72 * HOUR;
  if (countsAsUnread) patch.unread_count = sql<number>`unread_count + 1`;
  if (Object.keys(patch).length > 0) {
    await trx
      .updateTable('conversations')
      .set({ ...patch, updated_at: now })
      .where('id', '=', conversationId)
      .execute();
  }
  if (countsAsUnread) {
    await refreshConversationSummary(trx, { conversationId, phoneNumberId, at: now });
  }
  if (Object.keys(patch).length > 0)
    await conversationChanged(trx, { phoneNumberId, conversationId, at: now });
}
