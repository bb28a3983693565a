import type { Insertable, Kysely } from 'kysely';
import { conversationChanged } from '../conversations/conversation.repository.ts';
import type { DB } from '../database.ts';
import type { DomainEvent } from '../platform/events/catalogue.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import type { MessageRow, MessageTable } from './message.table.ts';
import { applyStatusEvents } from './status.repository.ts';

export type NewMessage = Insertable<MessageTable>;

/** Changes that target another message by wamid (edit, revoke, reaction, history media). */
export type TargetChange =
  | { kind: 'edit'; content: unknown; type: string; at: number }
  | { kind: 'revoke'; at: number }
  | { kind: 'reaction'; side: 'customer' | 'business'; emoji: string; wamid: string; at: number }
  | { kind: 'history_media'; type: string; content: unknown };

export async function findMessageByWamid(
  trx: Kysely<DB>,
  phoneNumberId: string,
  wamid: string,
): Promise<MessageRow | undefined> {
  return trx
    .selectFrom('messages')
    .selectAll()
    .where('phone_number_id', '=', phoneNumberId)
    .where('wamid', '=', wamid)
    .executeTakeFirst();
}

/**
 * Records `message.updated` for a stored message the caller changed (`change` names what); changes
 * with their own catalogue event (edited, revoked, reacted, status changed) record that instead.
 */
export async function messageEvent(
  trx: Kysely<DB>,
  _notice: 'message.changed',
  row: { id: string; phone_number_id: string; conversation_id: string },
  at: number,
  change = 'content',
): Promise<void> {
  await recordEvent(
    trx,
    {
      type: 'message.updated',
      phoneNumberId: row.phone_number_id,
      payload: { message_id: row.id, conversation_id: row.conversation_id, change },
    },
    at,
  );
}

/** The catalogue event of a message the hub stored for the first time, by who authored it. */
export function messageAddedEvent(
  row: Pick<
    MessageRow,
    | 'id'
    | 'conversation_id'
    | 'phone_number_id'
    | 'contact_id'
    | 'origin'
    | 'author_user_id'
    | 'wamid'
    | 'type'
    | 'direction'
  >,
): DomainEvent {
  const ref = { message_id: row.id, conversation_id: row.conversation_id };
  const phoneNumberId = row.phone_number_id;
  switch (row.origin) {
    case 'customer':
      return {
        type: 'message.received',
        phoneNumberId,
        payload: { ...ref, contact_id: row.contact_id, wamid: row.wamid, content_type: row.type },
      };
    case 'business_app':
      return {
        type: 'message.echoed',
        phoneNumberId,
        payload: { ...ref, wamid: row.wamid, content_type: row.type },
      };
    case 'history':
      return { type: 'message.imported', phoneNumberId, payload: { ...ref, direction: row.direction } };
    default:
      return {
        type: 'message.sent',
        phoneNumberId,
        payload: {
          ...ref,
          origin: row.origin,
          actor: row.author_user_id ? { kind: 'user', id: row.author_user_id } : null,
        },
      };
  }
}

/**
 * Inserts a message keyed by (phone_number_id, wamid), insert-or-ignore. Returns the row and whether
 * this call created it. A message created here picks up the changes and statuses that arrived
 * before it (pending applies, unapplied status events).
 */
export async function insertMessage(
  trx: Kysely<DB>,
  row: NewMessage,
  at: number,
): Promise<{ message: MessageRow; created: boolean }> {
  const inserted = await trx
    .insertInto('messages')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!inserted) {
    const existing = row.wamid ? await findMessageByWamid(trx, row.phone_number_id, row.wamid) : undefined;
    if (!existing) throw new Error('message vanished after a conflicting insert');
    return { message: existing, created: false };
  }
  await recordEvent(trx, messageAddedEvent(inserted), at);
  if (inserted.wamid !== null) {
    await flushPendingApplies(trx, inserted, at);
    await applyStatusEvents(trx, { phoneNumberId: inserted.phone_number_id, wamid: inserted.wamid, at });
  }
  const fresh = await trx
    .selectFrom('messages')
    .selectAll()
    .where('id', '=', inserted.id)
    .executeTakeFirstOrThrow();
  return { message: fresh, created: true };
}

function parse<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

type StoredReaction = { emoji: string; wamid: string; at: number };

/** Applies one change to a stored message; every rule is order-independent (latest or earliest wins). */
async function applyChange(
  trx: Kysely<DB>,
  target: MessageRow,
  change: TargetChange,
  at: number,
): Promise<boolean> {
  let patch: Partial<MessageRow> | null = null;
  switch (change.kind) {
    case 'edit':
      if (target.edited_at === null || change.at >= target.edited_at) {
        patch = { edited_content_json: JSON.stringify(change.content), edited_at: change.at };
      }
      break;
    case 'revoke':
      if (target.deleted_at === null || change.at < target.deleted_at) patch = { deleted_at: change.at };
      break;
    case 'reaction': {
      const reactions = parse<Record<string, StoredReaction>>(target.reactions_json, {});
      const current = reactions[change.side];
      const newer =
        !current || change.at > current.at || (change.at === current.at && change.wamid > current.wamid);
      if (newer) {
        reactions[change.side] = { emoji: change.emoji, wamid: change.wamid, at: change.at };
        patch = { reactions_json: JSON.stringify(reactions) };
      }
      break;
    }
    case 'history_media':
      if (target.type === 'media_placeholder') {
        patch = { type: change.type, content_json: JSON.stringify(change.content) };
      }
      break;
  }
  if (patch === null) return false;
  await trx.updateTable('messages').set(patch).where('id', '=', target.id).execute();
  const ref = { message_id: target.id, conversation_id: target.conversation_id };
  const phoneNumberId = target.phone_number_id;
  if (change.kind === 'edit') {
    // The version itself travels with the event: a later edit may overwrite the row before the
    // archive reads it, and every interim version must be kept.
    const payload = { ...ref, content_json: JSON.stringify(change.content), edited_at: change.at };
    await recordEvent(trx, { type: 'message.edited', phoneNumberId, payload }, at);
  } else if (change.kind === 'revoke') {
    await recordEvent(trx, { type: 'message.revoked', phoneNumberId, payload: ref }, at);
  } else if (change.kind === 'reaction') {
    const payload = { ...ref, side: change.side, emoji: change.emoji };
    await recordEvent(trx, { type: 'message.reacted', phoneNumberId, payload }, at);
  } else await messageEvent(trx, 'message.changed', target, at, 'history_media');
  return true;
}

/**
 * Applies a change to the message with `targetWamid`, or keeps it in `pending_applies` until that
 * message is stored.
 */
export async function applyToMessage(
  trx: Kysely<DB>,
  input: { phoneNumberId: string; targetWamid: string; change: TargetChange; at: number },
): Promise<MessageRow | null> {
  const target = await findMessageByWamid(trx, input.phoneNumberId, input.targetWamid);
  if (!target) {
    await trx
      .insertInto('pending_applies')
      .values({
        phone_number_id: input.phoneNumberId,
        target_wamid: input.targetWamid,
        kind: input.change.kind,
        payload_json: JSON.stringify(input.change),
        created_at: input.at,
      })
      .execute();
    return null;
  }
  await applyChange(trx, target, input.change, input.at);
  return target;
}

/** Applies the changes kept in `pending_applies` for a message that has just been stored. */
export async function flushPendingApplies(trx: Kysely<DB>, message: MessageRow, at: number): Promise<void> {
  const pending = await trx
    .selectFrom('pending_applies')
    .selectAll()
    .where('phone_number_id', '=', message.phone_number_id)
    .where('target_wamid', '=', message.wamid ?? '')
    .orderBy('id')
    .execute();
  if (pending.length === 0) return;
  for (const p of pending) {
    const current = await trx
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', message.id)
      .executeTakeFirstOrThrow();
    await applyChange(trx, current, JSON.parse(p.payload_json) as TargetChange, at);
  }
  await trx
    .deleteFrom('pending_applies')
    .where(
      'id',
      'in',
      pending.map((p) => p.id),
    )
    .execute();
}

/** A one-line preview of a message for conversation lists. */
export function previewOf(type: string, content: unknown): string {
  const c = (content ?? {}) as Record<string, unknown>;
  const s = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null);
  const body = s(c.body) ?? s(c.caption) ?? s(c.text) ?? s(c.title) ?? s(c.name);
  const nested = (k: string) => {
    const o = c[k] as Record<string, unknown> | undefined;
    return o && typeof o === 'object' ? (s(o.title) ?? s(o.body)) : null;
  };
  const text = body ?? nested('button_reply') ?? nested('list_reply') ?? nested('nfm_reply');
  const preview = text ?? `[${type}]`;
  return preview.length > 200 ? `${preview.slice(0, 199)}…` : preview;
}

/**
 * Recomputes a conversation's `last_message_*` from its latest message (imported history included,
 * so a thread known only from the import shows its last message), so the result does not depend
 * on the order messages were processed in.
 */
export async function refreshConversationSummary(
  trx: Kysely<DB>,
  input: { conversationId: string; phoneNumberId: string; at: number },
): Promise<void> {
  const latest = await trx
    .selectFrom('messages')
    .select(['timestamp', 'type', 'content_json', 'edited_content_json'])
    .where('conversation_id', '=', input.conversationId)
    // The message list's order (NEWEST_FIRST in message.queries.ts), so both agree on the newest.
    .orderBy('timestamp', 'desc')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!latest) return;
  const content = parse<unknown>(latest.edited_content_json ?? latest.content_json, {});
  const preview = previewOf(latest.type, content);
  const conv = await trx
    .selectFrom('conversations')
    .select(['last_message_at', 'last_message_preview'])
    .where('id', '=', input.conversationId)
    .executeTakeFirst();
  if (conv && conv.last_message_at === latest.timestamp && conv.last_message_preview === preview) return;
  await trx
    .updateTable('conversations')
    .set({ last_message_at: latest.timestamp, last_message_preview: preview, updated_at: input.at })
    .where('id', '=', input.conversationId)
    .execute();
  await conversationChanged(trx, {
    phoneNumberId: input.phoneNumberId,
    conversationId: input.conversationId,
    at: input.at,
  });
}
