import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { EventType } from '../platform/events/catalogue.ts';
import type { StoredEvent } from '../platform/events/subscriber.ts';
import type { EntryActor, EntryDraft } from './archive-entry.ts';

/**
 * Which events the archive records, and how each becomes an entry. Message versions carry their
 * content (committed, not bare); actions carry ids and what changed. Left out are the notices that
 * record no act of consequence: read marks, last-message and unread counters, windows, operational
 * failures and alerts.
 */
export const archivedEventTypes = [
  'message.received',
  'message.echoed',
  'message.imported',
  'message.sent',
  'message.edited',
  'message.revoked',
  'message.reacted',
  'message.updated',
  'message.status_changed',
  'conversation.opened',
  'conversation.assigned',
  'conversation.transferred',
  'conversation.resolved',
  'conversation.reopened',
  'conversation.note_added',
  'conversation.labels_changed',
  'contact.created',
  'contact.changed',
  'contact.consent_changed',
  'number.connection_changed',
  'number.changed',
  'user.changed',
  'security.recorded',
  'team.changed',
  'settings.changed',
  'template.changed',
  'campaign.changed',
  'automation.changed',
  'automation.control_changed',
] as const satisfies readonly EventType[];

export type ArchivedEventType = (typeof archivedEventTypes)[number];

/** The message entry types: each is one version (or the revocation) of a message. */
export const messageVersionTypes = new Set([
  'message.received',
  'message.echoed',
  'message.imported',
  'message.sent',
  'message.edited',
  'message.revoked',
  'message.media_kept',
  // A message stored before the archive was on, entered by the backfill job (`backfill.ts`).
  'message.backfilled',
]);

// Delivery outcomes worth keeping; the queued/sending steps are not.
const OUTCOMES = new Set(['sent', 'delivered', 'read', 'played', 'failed', 'unknown']);
// Payload keys that identify a person: they go to the committed content, never into the leaf.
// Personal content goes to the payload store (erasable), never into the entry the leaf commits to.
const PERSONAL = new Set(['wa_id', 'bsuid', 'emoji', 'content_json']);

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function actorOf(payload: Record<string, unknown>): EntryActor | null {
  const actor = payload.actor as EntryActor | null | undefined;
  return actor ? { kind: actor.kind, id: actor.id ?? null } : null;
}

function split(payload: Record<string, unknown>): {
  data: Record<string, unknown>;
  personal: Record<string, unknown> | null;
} {
  const data: Record<string, unknown> = {};
  const personal: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (key === 'actor' || value === undefined) continue;
    if (PERSONAL.has(key)) personal[key] = value;
    else data[key] = value;
  }
  return { data, personal: Object.keys(personal).length > 0 ? personal : null };
}

/** Whether the archive records the event at all (not an intermediate status, a system's number change...). */
function recorded(event: StoredEvent): boolean {
  if (event.type === 'message.status_changed' && !OUTCOMES.has(event.payload.to)) return false;
  if (event.type === 'number.changed' && !(event.payload as Record<string, unknown>).actor) return false;
  if (event.type === 'message.updated' && event.payload.change !== 'history_media') return false;
  return true;
}

const MESSAGE_COLUMNS = [
  'id',
  'contact_id',
  'wamid',
  'direction',
  'origin',
  'author_user_id',
  'type',
  'timestamp',
  'content_json',
  'edited_content_json',
  'edited_at',
  'deleted_at',
] as const;

function readMessages(db: Kysely<DB>, ids: readonly string[]) {
  return db
    .selectFrom('messages')
    .select(MESSAGE_COLUMNS)
    .where('id', 'in', [...ids])
    .execute();
}

type MessageVersionRow = Awaited<ReturnType<typeof readMessages>>[number];

/**
 * The message rows a slice of events' drafts read, in one query: each id asked for, with its row or
 * null when there is none. The archive never changes messages, so a slice reads each once.
 */
export type MessageRows = ReadonlyMap<string, MessageVersionRow | null>;

export async function messageRowsOf(db: Kysely<DB>, events: readonly StoredEvent[]): Promise<MessageRows> {
  const ids = [
    ...new Set(
      events
        .filter(recorded)
        .map((e) => (e.payload as Record<string, unknown>).message_id)
        .filter((id): id is string => typeof id === 'string'),
    ),
  ];
  const rows = new Map<string, MessageVersionRow | null>(ids.map((id) => [id, null]));
  for (let i = 0; i < ids.length; i += 500)
    for (const row of await readMessages(db, ids.slice(i, i + 500))) rows.set(row.id, row);
  return rows;
}

/**
 * The entry draft of one event, or null when the archive does not record it (e.g. an intermediate
 * status). `messages`: its message's row when a batch read it ahead ({@link messageRowsOf}).
 */
export async function draftOf(
  db: Kysely<DB>,
  event: StoredEvent,
  messages?: MessageRows,
): Promise<EntryDraft | null> {
  const payload = event.payload as Record<string, unknown>;
  const base = {
    eventId: event.id,
    at: event.at,
    phoneNumberId: event.phoneNumberId,
    contactId: (payload.contact_id as string | undefined) ?? null,
    conversationId: (payload.conversation_id as string | undefined) ?? null,
    messageId: (payload.message_id as string | undefined) ?? null,
    actor: actorOf(payload),
  };
  if (!recorded(event)) return null;

  if (base.messageId !== null) {
    const messageId = base.messageId;
    const row = messages?.has(messageId)
      ? (messages.get(messageId) ?? undefined)
      : (await readMessages(db, [messageId]))[0];
    const withMessage = { ...base, contactId: row?.contact_id ?? base.contactId };
    const { data, personal } = split(payload);
    if (!row)
      return {
        ...withMessage,
        type: event.type,
        data: { ...data, message_missing: true },
        content: personal,
      };
    const message = {
      wamid: row.wamid,
      direction: row.direction,
      origin: row.origin,
      author_user_id: row.author_user_id,
      message_type: row.type,
      timestamp: Number(row.timestamp),
    };
    switch (event.type) {
      case 'message.received':
      case 'message.echoed':
      case 'message.imported':
      case 'message.sent':
        return {
          ...withMessage,
          type: event.type,
          data: { ...data, ...message },
          content: parseJson(row.content_json),
        };
      case 'message.updated':
        // Imported history's media arrived for a placeholder: a new version of the content.
        return {
          ...withMessage,
          type: 'message.media_kept',
          data: { ...data, ...message },
          content: parseJson(row.content_json),
        };
      case 'message.edited': {
        // The version this event applied; the live row may already hold a later edit.
        const applied = (payload.content_json as string | undefined) ?? row.edited_content_json;
        const editedAt = (payload.edited_at as number | undefined) ?? row.edited_at;
        return {
          ...withMessage,
          type: event.type,
          data: { ...data, ...message, edited_at: editedAt === null ? null : Number(editedAt) },
          content: parseJson(applied),
        };
      }
      case 'message.revoked':
        return {
          ...withMessage,
          type: event.type,
          data: { ...data, ...message, deleted_at: row.deleted_at === null ? null : Number(row.deleted_at) },
          content: null,
        };
      default:
        return { ...withMessage, type: event.type, data, content: personal };
    }
  }
  const { data, personal } = split(payload);
  return { ...base, type: event.type, data, content: personal };
}
