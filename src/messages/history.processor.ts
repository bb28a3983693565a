import type { Kysely } from 'kysely';
import { normalizePhone } from '../contacts/contact.repository.ts';
import type { ContactRow } from '../contacts/contact.table.ts';
import { resolveParticipants } from '../contacts/participant.repository.ts';
import type { ConversationRow, ConversationStatus } from '../conversations/conversation.table.ts';
import { resolveConversations } from '../conversations/conversation-batch.repository.ts';
import type { DB } from '../database.ts';
import { numberChanged } from '../numbers/number.repository.ts';
import { updateMany } from '../platform/db/update-many.ts';
import { contentJson } from './content.ts';
import type { HistoryChunk, HistoryErrors, HistoryMedia, HistoryMessage } from './inbound-events.ts';
import { type Applied, type IngestContext, noteSummaryChange } from './ingest-context.ts';
import { applyToMessage, findMessageByWamid } from './message.repository.ts';
import type { MessageStatus } from './message.table.ts';
import { type InsertedMessage, insertMessages } from './message-batch.repository.ts';
import { newMessageRow } from './new-message-row.ts';

export const HISTORY_DECLINED_CODE = 2593109;

const historyStatuses: Record<string, MessageStatus> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  played: 'played',
  error: 'failed',
  pending: 'unknown',
};

function fromBusiness(item: Applied<HistoryMessage>): boolean {
  const { event } = item;
  const business = normalizePhone(item.displayPhoneNumber ?? item.number.display_phone_number);
  return event.fromPhone !== null ? normalizePhone(event.fromPhone) === business : event.fromMe;
}

/**
 * Imported history messages, a batch at a time. Archive data: original timestamp, origin
 * `history`, and they never open a window or count as unread; the newest message of a thread is its
 * summary, and a thread created by the import lands resolved or open by {@link importedStatus}. If
 * the same wamid is also known live (echo or inbound), the live copy wins and only
 * `history_status` is added.
 */
export async function processHistoryMessages(
  ctx: IngestContext,
  items: readonly Applied<HistoryMessage>[],
): Promise<void> {
  if (items.length === 0) return;
  const { trx, now } = ctx;
  const sides = items.map(fromBusiness);
  const contacts = await resolveParticipants(trx, {
    dialect: ctx.dialect,
    at: now,
    events: ctx.events,
    sightings: items.map(({ event, number }, i) => {
      const isBsuid = /[A-Za-z.]/.test(event.threadId);
      return {
        phoneNumberId: number.id,
        waId: isBsuid ? (sides[i] ? event.toPhone : event.fromPhone) : event.threadId,
        bsuid: isBsuid ? event.threadId : null,
        at: now,
        seenAt: event.at ?? now,
      };
    }),
  });
  const known = contacts.map((contact, i) => {
    if (!contact) throw new Error('history thread names no user');
    return { item: items[i] as Applied<HistoryMessage>, contact, business: sides[i] === true };
  });
  const newest = newestByContact(known);
  const conversations = await resolveConversations(trx, {
    contacts: known.map(({ contact }) => ({ phoneNumberId: contact.phone_number_id, contactId: contact.id })),
    at: now,
    events: ctx.events,
    status: (contactId) => importedStatus(newest.get(contactId), now),
  });
  const rows = known.map(({ item, contact, business }) => {
    const { event, number, webhookEventId } = item;
    const status: MessageStatus = business
      ? (historyStatuses[event.historyStatus ?? ''] ?? 'unknown')
      : 'received';
    return newMessageRow({
      phone_number_id: number.id,
      conversation_id: conversations.get(contact.id)?.id as string,
      contact_id: contact.id,
      wamid: event.wamid,
      direction: business ? 'outbound' : 'inbound',
      origin: 'history',
      type: event.content.type,
      content_json: contentJson(event.content),
      context_wamid: event.contextWamid,
      context_json: event.contextJson,
      errors_json: event.errorsJson,
      timestamp: event.at ?? now,
      received_at: now,
      status,
      history_status: event.historyStatus,
      webhook_event_id: webhookEventId,
    });
  });
  const inserted = await insertMessages(trx, { rows, at: now, events: ctx.events });
  await settleImportedThreads(ctx, { known, newest, conversations, inserted });
  for (const { row, created } of inserted) {
    if (created || !row.wamid) continue;
    const existing = await findMessageByWamid(trx, row.phone_number_id, row.wamid);
    if (!existing || existing.history_status === (row.history_status ?? null)) continue;
    await trx
      .updateTable('messages')
      .set({ history_status: row.history_status ?? null })
      .where('id', '=', existing.id)
      .execute();
    ctx.events.push({
      type: 'message.updated',
      phoneNumberId: existing.phone_number_id,
      payload: {
        message_id: existing.id,
        conversation_id: existing.conversation_id,
        change: 'history_status',
      },
    });
  }
}

/** A customer message younger than this that is the last of its imported thread keeps it open. */
export const IMPORTED_OPEN_WITHIN_MS = 24 * 60 * 60_000;

type Known = { item: Applied<HistoryMessage>; contact: ContactRow; business: boolean };
type Newest = { at: number; business: boolean };

function newestByContact(known: readonly Known[]): Map<string, Newest> {
  const out = new Map<string, Newest>();
  for (const { item, contact, business } of known) {
    const at = item.event.at ?? 0;
    const cur = out.get(contact.id);
    if (!cur || at > cur.at) out.set(contact.id, { at, business });
  }
  return out;
}

/**
 * The status of a thread known only from the history import (docs/inbox.md): open when its newest
 * message is the customer's, less than {@link IMPORTED_OPEN_WITHIN_MS} old (nobody answered it,
 * since a business reply would be newer), resolved otherwise.
 */
export function importedStatus(newest: Newest | undefined, now: number): ConversationStatus {
  if (!newest || newest.business) return 'resolved';
  return newest.at >= now - IMPORTED_OPEN_WITHIN_MS ? 'open' : 'resolved';
}

/**
 * What the import settles besides the messages: each thread's summary candidates, its status while
 * it is known only from the import (no live message, nobody assigned) and the batch brings a newer
 * last message, and each contact's `created_at` ("since") lowered to its oldest message.
 */
async function settleImportedThreads(
  ctx: IngestContext,
  input: {
    known: readonly Known[];
    newest: ReadonlyMap<string, Newest>;
    conversations: ReadonlyMap<string, ConversationRow>;
    inserted: readonly InsertedMessage[];
  },
): Promise<void> {
  const { trx, now } = ctx;
  for (const { row, created } of input.inserted) {
    if (!created) continue;
    const conversation = input.conversations.get(created.contact_id);
    if (!conversation) continue;
    noteSummaryChange(ctx, conversation, {
      timestamp: created.timestamp,
      type: created.type,
      body: JSON.parse(row.content_json),
    });
  }
  for (const [contactId, newest] of input.newest) {
    const conv = input.conversations.get(contactId);
    if (!conv || conv.assignee_user_id !== null || conv.last_customer_message_at !== null) continue;
    if (conv.last_message_at !== null && newest.at <= conv.last_message_at) continue;
    const status = importedStatus(newest, now);
    if (status === conv.status) continue;
    const live = await trx
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', conv.id)
      .where('origin', '!=', 'history')
      .limit(1)
      .executeTakeFirst();
    if (live) continue;
    await trx
      .updateTable('conversations')
      .set({ status, updated_at: now })
      .where('id', '=', conv.id)
      .execute();
    ctx.events.push({
      type: 'conversation.updated',
      phoneNumberId: conv.phone_number_id,
      payload: { conversation_id: conv.id, change: 'status' },
    });
  }
  const oldest = new Map<string, { contact: ContactRow; at: number }>();
  for (const { item, contact } of input.known) {
    const at = item.event.at;
    if (at === null || at === undefined) continue;
    const cur = oldest.get(contact.id);
    if (!cur || at < cur.at) oldest.set(contact.id, { contact, at });
  }
  const since = [...oldest.values()].filter(({ contact, at }) => at < contact.created_at);
  await updateMany(trx, {
    dialect: ctx.dialect,
    table: 'contacts',
    columns: { created_at: { type: 'bigint' } },
    rows: since.map(({ contact, at }) => ({ id: contact.id, set: { created_at: at } })),
  });
  for (const { contact } of since) {
    ctx.events.push({
      type: 'contact.changed',
      phoneNumberId: contact.phone_number_id,
      payload: { contact_id: contact.id, change: 'since' },
    });
  }
}

/** Media for a history placeholder (a `history` change with `messages[]`): completes the placeholder. */
export async function processHistoryMedia(ctx: IngestContext, item: Applied<HistoryMedia>): Promise<void> {
  const { content, wamid } = item.event;
  await applyToMessage(ctx.trx, {
    phoneNumberId: item.number.id,
    targetWamid: wamid,
    change: { kind: 'history_media', type: content.type, content: content.body },
    at: ctx.now,
  });
}

/**
 * How far an import has got, from the chunks received: chunks arrive out of order, so a chunk's
 * `progress` counts only once every chunk before it in its phase is in (orders contiguous from the
 * first); the import is complete when the progress-100 chunk is in and no chunk before it is
 * missing. So the progress shown is not ahead of what is stored. (Meta does not say how many chunks
 * a phase has, so a chunk missing at the very end of an earlier phase cannot be seen; the quiet
 * period of `inferHistoryCompletion` is the backstop for chunks that never come.)
 */
export function importProgress(chunks: readonly { phase: number; chunk_order: number; progress: number }[]): {
  progress: number;
  complete: boolean;
} {
  const sorted = [...chunks].sort((a, b) => a.phase - b.phase || a.chunk_order - b.chunk_order);
  let progress = 0;
  let gap = false;
  let phase: number | null = null;
  let expected = 0;
  let final = false;
  for (const c of sorted) {
    if (c.phase !== phase) {
      phase = c.phase;
      if (c.chunk_order > 1) gap = true;
      expected = c.chunk_order;
    }
    if (c.chunk_order !== expected) gap = true;
    expected = c.chunk_order + 1;
    if (gap) break;
    progress = Math.max(progress, Math.min(100, Math.max(0, Math.round(c.progress))));
    if (c.progress >= 100) final = true;
  }
  return { progress, complete: final && !gap };
}

/** One history chunk's progress (see {@link importProgress}); order of chunks does not matter. */
export async function processHistoryChunk(ctx: IngestContext, item: Applied<HistoryChunk>): Promise<void> {
  const { trx, now } = ctx;
  const { number, event } = item;
  await trx
    .insertInto('history_chunks')
    .values({
      phone_number_id: number.id,
      phase: event.phase,
      chunk_order: event.chunkOrder,
      progress: event.progress,
      message_count: event.messageCount,
      received_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const chunks = await trx
    .selectFrom('history_chunks')
    .select(['phase', 'chunk_order', 'progress'])
    .where('phone_number_id', '=', number.id)
    .execute();
  const seen = importProgress(chunks);
  const progress = Math.max(number.history_progress, seen.progress);
  const state = number.history_state === 'declined' ? 'declined' : seen.complete ? 'complete' : 'in_progress';
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
export async function processHistoryErrors(ctx: IngestContext, item: Applied<HistoryErrors>): Promise<void> {
  const { trx, now } = ctx;
  const { number, event } = item;
  const declined = event.codes.includes(HISTORY_DECLINED_CODE);
  await trx
    .updateTable('phone_numbers')
    .set({
      history_error_json: event.errorsJson,
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
