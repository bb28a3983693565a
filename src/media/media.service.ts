import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { GraphClient } from '../graph/graph-client.ts';
import { MEDIA_TYPES, mediaIdOf, RECEIVED_MEDIA_ORIGINS } from '../messages/message.mapper.ts';
import { parseJsonOr } from '../platform/json.ts';

/** Meta's largest inbound media (documents). */
export const MAX_MEDIA_BYTES = 100 * 1024 * 1024;
/** Media ids received in webhooks expire after 7 days; nothing older can still be fetched. */
export const MEDIA_ID_LIFETIME_MS = 7 * 24 * 3_600_000;
/** Downloads tried per message before the media is left as failed. */
export const MAX_MEDIA_ATTEMPTS = 5;

/** Meta gives the digest in base64 (webhooks) or hex (media URL); either must match the bytes. */
function digestMatches(expected: string | null, bytes: Buffer): boolean {
  if (!expected) return true;
  const digest = createHash('sha256').update(bytes).digest();
  return expected === digest.toString('base64') || expected.toLowerCase() === digest.toString('hex');
}

export type StoredMedia = { bytes: Buffer; mimeType: string | null; sha256: string | null };

/**
 * Downloads a message's media from Meta, checks its SHA-256 against the webhook's, and keeps the
 * bytes in `media_files`. Returns the stored media, or the reason it could not be fetched (also
 * recorded, with the attempt counted). Already stored media is returned as it is.
 */
export async function fetchMessageMedia(
  deps: { db: Kysely<DB>; graph: GraphClient; now: number },
  messageId: string,
): Promise<{ ok: true; media: StoredMedia } | { ok: false; reason: string }> {
  const { db } = deps;
  const stored = await db
    .selectFrom('media_files')
    .select(['state', 'bytes', 'mime_type', 'sha256'])
    .where('message_id', '=', messageId)
    .executeTakeFirst();
  if (stored?.state === 'stored' && stored.bytes) {
    return {
      ok: true,
      media: { bytes: Buffer.from(stored.bytes), mimeType: stored.mime_type, sha256: stored.sha256 },
    };
  }
  const message = await db
    .selectFrom('messages')
    .select(['id', 'type', 'content_json', 'phone_number_id'])
    .where('id', '=', messageId)
    .executeTakeFirst();
  if (!message) return { ok: false, reason: 'No such message.' };
  const mediaId = mediaIdOf(message.type, message.content_json);
  if (!mediaId) return { ok: false, reason: 'This message has no media to download.' };
  const content = parseJsonOr<Record<string, unknown>>(message.content_json, {});
  const webhookSha = typeof content.sha256 === 'string' ? content.sha256 : null;

  const result = await deps.graph.downloadMedia({
    mediaId,
    phoneNumberId: message.phone_number_id,
    maxBytes: MAX_MEDIA_BYTES,
  });
  const failure = !result.ok
    ? result.error.message
    : digestMatches(webhookSha, result.value.bytes) && digestMatches(result.value.sha256, result.value.bytes)
      ? null
      : 'The downloaded bytes do not match the SHA-256 Meta gave.';
  const kept = failure === null && result.ok ? result.value : null;
  const mimeType = kept?.mimeType ?? (typeof content.mime_type === 'string' ? content.mime_type : null);
  const row = {
    phone_number_id: message.phone_number_id,
    media_id: mediaId,
    state: kept ? ('stored' as const) : ('failed' as const),
    mime_type: mimeType,
    sha256: webhookSha ?? kept?.sha256 ?? null,
    size: kept?.bytes.length ?? null,
    bytes: kept?.bytes ?? null,
    error: failure,
    updated_at: deps.now,
  };
  await db
    .insertInto('media_files')
    .values({ message_id: messageId, ...row, attempts: 1, created_at: deps.now })
    .onConflict((oc) =>
      oc.column('message_id').doUpdateSet((eb) => ({ ...row, attempts: eb('media_files.attempts', '+', 1) })),
    )
    .execute();
  if (!kept) return { ok: false, reason: failure ?? 'Download failed.' };
  return { ok: true, media: { bytes: kept.bytes, mimeType, sha256: row.sha256 } };
}

/**
 * Downloads media of recent received messages (from customers, the owner's phone, history) that
 * the hub does not have yet, newest first: Meta's ids expire after 7 days, so the maintenance
 * worker runs this every 30 s rather than waiting for someone to look. Returns how many were stored.
 */
export async function downloadPendingMedia(
  deps: { db: Kysely<DB>; graph: GraphClient; now: number },
  limit = 20,
): Promise<number> {
  const candidates = await deps.db
    .selectFrom('messages as m')
    .leftJoin('media_files as f', 'f.message_id', 'm.id')
    .select(['m.id'])
    .where('m.type', 'in', MEDIA_TYPES)
    .where('m.origin', 'in', [...RECEIVED_MEDIA_ORIGINS])
    .where('m.received_at', '>', deps.now - MEDIA_ID_LIFETIME_MS)
    .where((eb) =>
      eb.or([
        eb('f.message_id', 'is', null),
        eb.and([eb('f.state', '=', 'failed'), eb('f.attempts', '<', MAX_MEDIA_ATTEMPTS)]),
      ]),
    )
    .orderBy('m.received_at', 'desc')
    .limit(limit)
    .execute();
  let stored = 0;
  for (const { id } of candidates) {
    const r = await fetchMessageMedia(deps, id);
    if (r.ok) stored++;
  }
  return stored;
}
