import type { Kysely } from 'kysely';
import type { ConversationRow } from '../conversations/conversation.table.ts';
import { extendWindow, type WindowPatch } from '../conversations/window.ts';
import type { DB } from '../database.ts';
import { numberChanged } from '../numbers/number.repository.ts';
import type { PhoneNumberRow } from '../numbers/number.table.ts';
import type { Dialect } from '../platform/db/database.ts';
import { updateMany } from '../platform/db/update-many.ts';
import type { DomainEvent } from '../platform/events/catalogue.ts';
import { recordEvents } from '../platform/events/record-event.ts';
import { previewOf, refreshConversationSummary } from './message.repository.ts';

/** One inbound event with what it is applied to: its business number and the stored webhook event. */
export type Applied<E> = {
  readonly event: E;
  readonly number: PhoneNumberRow;
  /** `metadata.display_phone_number` of the change, if given. */
  readonly displayPhoneNumber: string | null;
  readonly webhookEventId: number;
};

type ConversationEffect = {
  conversation: ConversationRow;
  /** Live customer activity (Meta's times): moves the window. */
  live: { at: number; referral: boolean }[];
  unread: number;
  /** New messages of the batch (imported ones too): the newest may become the summary. */
  candidates: SummaryCandidate[];
  /** Something else may have changed the newest message (an edit, a replaced copy): ask the database. */
  requery: boolean;
};

/** A message stored by the batch, as the conversation summary needs it. */
export type SummaryCandidate = { readonly timestamp: number; readonly type: string; readonly body: unknown };

/**
 * What the processors of one batch of webhook items share: the transaction, the processing time,
 * and what is written once for the whole batch at {@link flushIngest}: the domain events (one
 * multi-row insert), each touched conversation's window, unread count and summary (one update per
 * conversation, one statement on PostgreSQL), and each number's last echo time.
 */
export type IngestContext = {
  readonly trx: Kysely<DB>;
  readonly dialect: Dialect;
  readonly now: number;
  readonly events: DomainEvent[];
  readonly conversations: Map<string, ConversationEffect>;
  readonly echoes: Map<string, { number: PhoneNumberRow; at: number }>;
};

export function createIngestContext(input: {
  trx: Kysely<DB>;
  dialect: Dialect;
  now: number;
}): IngestContext {
  return { ...input, events: [], conversations: new Map(), echoes: new Map() };
}

function effectOf(ctx: IngestContext, conversation: ConversationRow): ConversationEffect {
  let effect = ctx.conversations.get(conversation.id);
  if (!effect) {
    effect = { conversation, live: [], unread: 0, candidates: [], requery: false };
    ctx.conversations.set(conversation.id, effect);
  }
  return effect;
}

/** A live customer message or reaction at `at`: the window moves (a referral opens the free-entry-point window). */
export function noteLiveActivity(
  ctx: IngestContext,
  conversation: ConversationRow,
  activity: { at: number; referral: boolean; unread: boolean },
): void {
  const effect = effectOf(ctx, conversation);
  effect.live.push({ at: activity.at, referral: activity.referral });
  if (activity.unread) effect.unread++;
}

/**
 * The conversation's newest message may have changed: its summary is recomputed at flush, from the
 * messages the batch stored (`candidate`) when that settles it, from the database otherwise.
 */
export function noteSummaryChange(
  ctx: IngestContext,
  conversation: ConversationRow,
  candidate: SummaryCandidate | null = null,
): void {
  const effect = effectOf(ctx, conversation);
  if (candidate) effect.candidates.push(candidate);
  else effect.requery = true;
}

/** An echo at `at` on `number`: its `last_echo_at` moves forward at flush. */
export function noteEcho(ctx: IngestContext, number: PhoneNumberRow, at: number): void {
  const current = ctx.echoes.get(number.id);
  if (!current || current.at < at) ctx.echoes.set(number.id, { number, at });
}

const CONVERSATION_COLUMNS = {
  window_expires_at: { type: 'bigint' },
  last_customer_message_at: { type: 'bigint' },
  fep_expires_at: { type: 'bigint' },
  unread_count: { type: 'integer', mode: 'add' },
  last_message_at: { type: 'bigint' },
  last_message_preview: { type: 'text' },
  status: { type: 'text' },
  updated_at: { type: 'bigint' },
} as const;

/**
 * The summary a conversation gets from the batch's own new messages, or null when only the
 * database can tell. `last_message_at` is the time of the newest message (every writer keeps it
 * so), so a newer candidate is the newest message; at an equal time the database's order
 * decides (`refreshConversationSummary`).
 */
function summaryFromBatch(effect: ConversationEffect): { at: number; preview: string } | 'unchanged' | null {
  if (effect.requery) return null;
  let best: SummaryCandidate | null = null;
  let tie = false;
  for (const c of effect.candidates) {
    if (!best || c.timestamp > best.timestamp) {
      best = c;
      tie = false;
    } else if (c.timestamp === best.timestamp) tie = true;
  }
  if (!best) return 'unchanged';
  const current = effect.conversation.last_message_at;
  if (current !== null && best.timestamp < current) return 'unchanged';
  if (tie || best.timestamp === current) return null;
  return { at: best.timestamp, preview: previewOf(best.type, best.body) };
}

/**
 * Writes what the batch gathered: conversation windows, unread counts and summaries, echo times,
 * then every domain event in one multi-row insert.
 */
export async function flushIngest(ctx: IngestContext): Promise<void> {
  const { trx, now } = ctx;
  const effects = [...ctx.conversations.values()];
  const rows: { id: string; set: Record<string, string | number | null> }[] = [];
  for (const effect of effects) {
    const conv = effect.conversation;
    let window: WindowPatch = {};
    let state = conv;
    for (const activity of effect.live) {
      const patch = extendWindow(state, activity);
      window = { ...window, ...patch };
      state = { ...state, ...patch };
    }
    const set: Record<string, string | number | null> = { ...window };
    if (effect.unread > 0) set.unread_count = effect.unread;
    // A customer writing again reopens a resolved conversation (docs/inbox.md).
    const reopened = effect.unread > 0 && conv.status === 'resolved';
    if (reopened) set.status = 'open';
    const summary = summaryFromBatch(effect);
    if (summary === null) {
      await refreshConversationSummary(trx, {
        conversationId: conv.id,
        phoneNumberId: conv.phone_number_id,
        at: now,
      });
    } else if (
      summary !== 'unchanged' &&
      (conv.last_message_at !== summary.at || conv.last_message_preview !== summary.preview)
    ) {
      set.last_message_at = summary.at;
      set.last_message_preview = summary.preview;
    }
    if (Object.keys(set).length === 0) continue;
    rows.push({ id: conv.id, set: { ...set, updated_at: now } });
    if (window.window_expires_at !== undefined) {
      ctx.events.push({
        type: 'window.opened',
        phoneNumberId: conv.phone_number_id,
        payload: {
          conversation_id: conv.id,
          contact_id: conv.contact_id,
          expires_at: window.window_expires_at,
        },
      });
    }
    if (reopened) {
      ctx.events.push({
        type: 'conversation.reopened',
        phoneNumberId: conv.phone_number_id,
        payload: { conversation_id: conv.id, actor: null },
      });
    }
    const changes = Object.keys(set).filter((k) => !(k in window) && k !== 'status');
    if (changes.length > 0) {
      ctx.events.push({
        type: 'conversation.updated',
        phoneNumberId: conv.phone_number_id,
        payload: { conversation_id: conv.id, change: changes.join(',') },
      });
    }
  }
  await updateMany(trx, {
    dialect: ctx.dialect,
    table: 'conversations',
    columns: CONVERSATION_COLUMNS,
    rows,
  });
  for (const { number, at } of ctx.echoes.values()) {
    if ((number.last_echo_at ?? 0) >= at) continue;
    await trx
      .updateTable('phone_numbers')
      .set({ last_echo_at: at, updated_at: now })
      .where('id', '=', number.id)
      .where((eb) => eb.or([eb('last_echo_at', 'is', null), eb('last_echo_at', '<', at)]))
      .execute();
    await numberChanged(trx, { phoneNumberId: number.id, at: now, change: 'last_echo' });
  }
  await recordEvents(trx, ctx.events, now);
  ctx.events.length = 0;
  ctx.conversations.clear();
  ctx.echoes.clear();
}
