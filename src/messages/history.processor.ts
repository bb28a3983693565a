import type { Kysely } from 'kysely';
import { findOrCreateContact, normalizePhone } from '../contacts/contact.repository.ts';
import { findOrCreateConversation } from '../conversations/conversation.repository.ts';
import type { DB } from '../database.ts';
import { contentOf, type ItemContext, numberForItem } from '../meta-webhooks/item-context.ts';
import { isObject, secondsToMs, str, type WebhookItem } from '../meta-webhooks/meta-payload.parser.ts';
import { numberChanged } from '../numbers/number.repository.ts';
import { newId } from '../platform/ids.ts';
import { applyToMessage, insertMessage, messageEvent } from './message.repository.ts';
import type { MessageStatus } from './message.table.ts';
import { statusRank } from './status.repository.ts';

type Item<K extends WebhookItem['kind']> = Extract<WebhookItem, { kind: K }>;

export const HISTORY_DECLINED_CODE = 2593109;

const historyStatuses: Record<string, MessageStatus> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  played: 'played',
  error: 'failed',
  pending: 'unknown',
};

/**
 * One imported history message. Archive data: original timestamp, origin `history`, and it never
 * opens a window, counts as unread or changes the conversation summary. If the same wamid is also
 * known live (echo or inbound), the live copy wins and only `history_status` is added.
 */
export async function processHistoryMessage(ctx: ItemContext, item: Item<'history_message'>): Promise<void> {
  const { trx, now } = ctx;
  const number = await numberForItem(ctx, item);
  const m = item.message;
  const wamid = str(m.id) as string;
  const ts = secondsToMs(m.timestamp) ?? now;
  const type = str(m.type) ?? 'unsupported';
  const business = normalizePhone(item.displayPhoneNumber ?? number.display_phone_number);
  const hc = isObject(m.history_context) ? m.history_context : {};
  const historyStatus = (str(hc.status) ?? '').toLowerCase() || null;
  const from = str(m.from);
  const fromBusiness = from !== null ? normalizePhone(from) === business : hc.from_me === true;
  const thread = item.threadId;
  const isBsuid = /[A-Za-z.]/.test(thread);
  const contact = await findOrCreateContact(trx, {
    phoneNumberId: number.id,
    waId: isBsuid ? (fromBusiness ? str(m.to) : from) : thread,
    bsuid: isBsuid ? thread : null,
    at: now,
    seenAt: ts,
  });
  if (!contact) throw new Error('history thread names no user');
  const conversation = await findOrCreateConversation(trx, {
    phoneNumberId: number.id,
    contactId: contact.id,
    at: now,
  });
  const status: MessageStatus = fromBusiness
    ? (historyStatuses[historyStatus ?? ''] ?? 'unknown')
    : 'received';
  const { message, created } = await insertMessage(
    trx,
    {
      id: newId(),
      phone_number_id: number.id,
      conversation_id: conversation.id,
      contact_id: contact.id,
      wamid,
      direction: fromBusiness ? 'outbound' : 'inbound',
      origin: 'history',
      author_user_id: null,
      type,
      content_json: JSON.stringify(type === 'media_placeholder' ? {} : contentOf(m, type)),
      edited_content_json: null,
      edited_at: null,
      deleted_at: null,
      context_wamid: isObject(m.context) ? str(m.context.id) : null,
      context_json: isObject(m.context) ? JSON.stringify(m.context) : null,
      referral_json: null,
      errors_json: Array.isArray(m.errors) && m.errors.length > 0 ? JSON.stringify(m.errors) : null,
      timestamp: ts,
      received_at: now,
      status,
      status_at: ts,
      status_rank: statusRank[status] ?? 0,
      error_json: null,
      pricing_json: null,
      history_status: historyStatus,
      biz_opaque_callback_data: null,
      webhook_event_id: ctx.webhookEventId,
    },
    now,
  );
  if (!created && message.history_status !== historyStatus) {
    await trx
      .updateTable('messages')
      .set({ history_status: historyStatus })
      .where('id', '=', message.id)
      .execute();
    await messageEvent(trx, 'message.changed', message, now, 'history_status');
  }
}

/** Media for a history placeholder (a `history` change with `messages[]`): completes the placeholder. */
export async function processHistoryMedia(ctx: ItemContext, item: Item<'history_media'>): Promise<void> {
  const number = await numberForItem(ctx, item);
  const m = item.message;
  const type = str(m.type) ?? 'unsupported';
  await applyToMessage(ctx.trx, {
    phoneNumberId: number.id,
    targetWamid: str(m.id) as string,
    change: { kind: 'history_media', type, content: contentOf(m, type) },
    at: ctx.now,
  });
}

/** One history chunk's progress; `progress` 100 completes the import. Order of chunks does not matter. */
export async function processHistoryChunk(ctx: ItemContext, item: Item<'history_chunk'>): Promise<void> {
  const { trx, now } = ctx;
  const number = await numberForItem(ctx, item);
  await trx
    .insertInto('history_chunks')
    .values({
      phone_number_id: number.id,
      phase: item.phase,
      chunk_order: item.chunkOrder,
      progress: item.progress,
      message_count: item.messageCount,
      received_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const progress = Math.max(number.history_progress, Math.min(100, Math.max(0, Math.round(item.progress))));
  const state =
    number.history_state === 'declined' ? 'declined' : progress >= 100 ? 'complete' : 'in_progress';
  await trx
    .updateTable('phone_numbers')
    .set({
      history_progress: progress,
      history_state: state,
      history_last_chunk_at: Math.max(now, number.history_last_chunk_at ?? 0),
      updated_at: now,
    })
    .where('id', '=', number.id)
    .execute();
  await numberChanged(trx, { phoneNumberId: number.id, at: now, change: 'history' });
}

/** History errors; 2593109 means the business declined history sharing. */
export async function processHistoryErrors(ctx: ItemContext, item: Item<'history_errors'>): Promise<void> {
  const { trx, now } = ctx;
  const number = await numberForItem(ctx, item);
  const declined = item.errors.some((e) => Number(e.code) === HISTORY_DECLINED_CODE);
  await trx
    .updateTable('phone_numbers')
    .set({
      history_error_json: JSON.stringify(item.errors),
      ...(declined ? { history_state: 'declined' as const } : {}),
      updated_at: now,
    })
    .where('id', '=', number.id)
    .execute();
  await numberChanged(trx, { phoneNumberId: number.id, at: now, change: 'history' });
}

/** How long an import may go without a chunk before it is taken as finished. */
export const HISTORY_QUIET_MS = 30 * 60_000;

/**
 * Meta's only completion signal is `progress == 100`, and it may never come (phases without
 * messages send nothing). An import that received no chunk for {@link HISTORY_QUIET_MS} is marked
 * `complete_inferred`. Returns how many numbers changed.
 */
export async function inferHistoryCompletion(db: Kysely<DB>, now: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const quiet = await trx
      .selectFrom('phone_numbers')
      .select('id')
      .where('history_state', '=', 'in_progress')
      .where('history_last_chunk_at', '<=', now - HISTORY_QUIET_MS)
      .execute();
    for (const { id } of quiet) {
      await trx
        .updateTable('phone_numbers')
        .set({ history_state: 'complete_inferred', updated_at: now })
        .where('id', '=', id)
        .where('history_state', '=', 'in_progress')
        .execute();
      await numberChanged(trx, { phoneNumberId: id, at: now, change: 'history' });
    }
    return quiet.length;
  });
}
