import { parseJsonOr } from '../platform/json.ts';
import { isoOrNull } from '../platform/time.ts';
import type { MessageDirection, MessageOrigin, MessageRow, MessageStatus } from './message.table.ts';

/** Who wrote an agent message from the hub. */
export type ApiAuthor = { id: string; name: string | null };

export type ApiReaction = {
  from: 'customer' | 'business';
  emoji: string;
  wamid: string | null;
  at: string | null;
};

export type ApiMessageError = { code: number | string | null; title: string | null; message: string | null };

/** Message types whose content carries a Meta media id. */
export const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'];
/** Origins whose media arrive from Meta by id and are kept by the hub (see src/media). */
export const RECEIVED_MEDIA_ORIGINS = ['customer', 'business_app', 'history'] as const;

/** Meta's media id in a stored message's content, if it has one. */
export function mediaIdOf(type: string, contentJson: string): string | null {
  if (!MEDIA_TYPES.includes(type)) return null;
  const content = parseJsonOr<Record<string, unknown> | null>(contentJson, null);
  const id = content?.id;
  return typeof id === 'string' && id !== '' ? id : null;
}

/** A message as the REST API and the realtime stream return it. */
export type ApiMessage = {
  id: string;
  wamid: string | null;
  conversation_id: string;
  contact_id: string;
  phone_number_id: string;
  direction: MessageDirection;
  origin: MessageOrigin;
  author: ApiAuthor | null;
  type: string;
  /** What to display: the latest edit's content if the message was edited. */
  content: unknown;
  /** The content as first received or sent; present only when the message was edited. */
  original_content?: unknown;
  edited_at: string | null;
  deleted_at: string | null;
  context: { wamid: string | null; message_id: string | null; forwarded: boolean } | null;
  reactions: ApiReaction[];
  referral: unknown;
  timestamp: string;
  status: MessageStatus;
  status_at: string | null;
  error: ApiMessageError | null;
  pricing: unknown;
  history_status: string | null;
  /** Where the hub serves the message's media (received media, kept by the hub), or null. */
  media_url: string | null;
};

type StoredReaction = { emoji?: unknown; wamid?: unknown; at?: unknown };

function toReactions(text: string): ApiReaction[] {
  const stored = parseJsonOr<Record<string, StoredReaction | null>>(text, {});
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return [];
  const out: ApiReaction[] = [];
  for (const side of ['customer', 'business'] as const) {
    const r = stored[side];
    if (!r || typeof r.emoji !== 'string' || r.emoji === '') continue;
    out.push({
      from: side,
      emoji: r.emoji,
      wamid: typeof r.wamid === 'string' ? r.wamid : null,
      at: typeof r.at === 'number' ? isoOrNull(r.at) : null,
    });
  }
  return out;
}

type MetaError = { code?: unknown; title?: unknown; message?: unknown; error_data?: { details?: unknown } };

function toError(row: MessageRow): ApiMessageError | null {
  // `error_json` is the failure of an outbound send; `errors_json` is Meta's list on an inbound message.
  let e = parseJsonOr<MetaError | MetaError[] | null>(row.error_json, null);
  if (e === null) e = parseJsonOr<MetaError | MetaError[] | null>(row.errors_json, null);
  if (Array.isArray(e)) e = e[0] ?? null;
  if (e === null || typeof e !== 'object') return null;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const details = str(e.error_data?.details);
  return {
    code: typeof e.code === 'number' || typeof e.code === 'string' ? e.code : null,
    title: str(e.title),
    message: details ?? str(e.message) ?? str(e.title),
  };
}

function toContext(row: MessageRow, quotedMessageId: string | null | undefined): ApiMessage['context'] {
  const ctx = parseJsonOr<{ forwarded?: unknown; frequently_forwarded?: unknown } | null>(
    row.context_json,
    null,
  );
  const forwarded = ctx !== null && (ctx.forwarded === true || ctx.frequently_forwarded === true);
  if (row.context_wamid === null && !forwarded) return null;
  return {
    wamid: row.context_wamid,
    message_id: quotedMessageId ?? null,
    forwarded,
  };
}

/**
 * Maps a stored message to its API shape. `author` is the hub user who wrote it (looked up by the
 * caller; when absent but `author_user_id` is set, the author is returned with a `null` name).
 * `quotedMessageId` is the hub id of the message a reply quotes, when that message is stored.
 */
export function toApiMessage(
  row: MessageRow,
  author?: ApiAuthor | null,
  options: { quotedMessageId?: string | null } = {},
): ApiMessage {
  const original = parseJsonOr<unknown>(row.content_json, {});
  const edited =
    row.edited_content_json === null ? undefined : parseJsonOr<unknown>(row.edited_content_json, {});
  const message: ApiMessage = {
    id: row.id,
    wamid: row.wamid,
    conversation_id: row.conversation_id,
    contact_id: row.contact_id,
    phone_number_id: row.phone_number_id,
    direction: row.direction,
    origin: row.origin,
    author: author ?? (row.author_user_id ? { id: row.author_user_id, name: null } : null),
    type: row.type,
    content: edited === undefined ? original : edited,
    edited_at: isoOrNull(row.edited_at),
    deleted_at: isoOrNull(row.deleted_at),
    context: toContext(row, options.quotedMessageId),
    reactions: toReactions(row.reactions_json),
    referral: parseJsonOr<unknown>(row.referral_json, null),
    timestamp: new Date(row.timestamp).toISOString(),
    status: row.status,
    status_at: isoOrNull(row.status_at),
    error: toError(row),
    pricing: parseJsonOr<unknown>(row.pricing_json, null),
    history_status: row.history_status,
    media_url:
      (RECEIVED_MEDIA_ORIGINS as readonly string[]).includes(row.origin) &&
      mediaIdOf(row.type, row.content_json) !== null
        ? `/api/messages/${encodeURIComponent(row.id)}/media`
        : null,
  };
  if (edited !== undefined) message.original_content = original;
  return message;
}
