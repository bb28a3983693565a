import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { MasterKeyring } from '../platform/crypto/envelope.ts';
import { decodeCursor, encodeCursor, type Page } from '../platform/http/pagination.ts';
import { payloadCipher } from './payload-crypto.ts';

// With a text search, rows are read and decrypted in pages of this many, up to SCAN_LIMIT per
// request; a page that ends there carries on from where the scan stopped (its cursor).
const SCAN_PAGE = 500;
const SCAN_LIMIT = 20_000;

/** What the auditor searches by; `numbers` is the principal's visible numbers (`null` = all). */
export type ArchiveSearch = {
  readonly numbers: readonly string[] | null;
  readonly phoneNumberId?: string;
  readonly contactId?: string;
  readonly conversationId?: string;
  readonly messageId?: string;
  readonly type?: string;
  readonly actorId?: string;
  readonly origin?: string;
  readonly from?: number;
  readonly to?: number;
  readonly q?: string;
  readonly cursor?: string;
  readonly limit: number;
};

export type ArchiveSearchRow = {
  idx: number;
  type: string;
  at: number;
  phone_number_id: string | null;
  contact_id: string | null;
  conversation_id: string | null;
  message_id: string | null;
  actor_id: string | null;
  entry: string;
  content: string | null;
};

/**
 * Entries matching the search, newest first (by index), with their content decrypted (null where
 * there is none or it was erased). A principal limited to some business accounts sees only the
 * entries of their numbers; hub-wide entries (users, settings, verification runs) only a principal
 * who sees every account. The payload store is encrypted, so the text search (`q`) decrypts and
 * matches in the hub, scanning at most SCAN_LIMIT entries per request.
 */
export async function searchArchive(
  db: Kysely<DB>,
  s: ArchiveSearch,
  keyring: MasterKeyring,
): Promise<Page<ArchiveSearchRow>> {
  let query = db
    .selectFrom('archive_entries')
    .leftJoin('archive_payloads', 'archive_payloads.idx', 'archive_entries.idx')
    .select([
      'archive_entries.idx',
      'type',
      'at',
      'phone_number_id',
      'archive_entries.contact_id',
      'conversation_id',
      'message_id',
      'actor_id',
      'entry',
      'content',
    ]);
  if (s.numbers !== null) {
    if (s.numbers.length === 0) return { data: [], next_cursor: null };
    query = query.where('phone_number_id', 'in', [...s.numbers]);
  }
  if (s.phoneNumberId) query = query.where('phone_number_id', '=', s.phoneNumberId);
  if (s.contactId) query = query.where('archive_entries.contact_id', '=', s.contactId);
  if (s.conversationId) query = query.where('conversation_id', '=', s.conversationId);
  if (s.messageId) query = query.where('message_id', '=', s.messageId);
  if (s.actorId) query = query.where('actor_id', '=', s.actorId);
  if (s.type)
    query = s.type.endsWith('.')
      ? query.where('type', 'like', `${s.type}%`)
      : query.where('type', '=', s.type);
  if (s.origin) query = query.where('entry', 'like', `%"origin":${JSON.stringify(s.origin)}%`);
  if (s.from !== undefined) query = query.where('at', '>=', s.from);
  if (s.to !== undefined) query = query.where('at', '<', s.to);
  if (s.q) query = query.where('content', 'is not', null);
  let before = s.cursor ? decodeCursor(s.cursor, ['number'] as const)[0] : undefined;

  const cipher = payloadCipher(db, keyring);
  const needle = s.q?.toLowerCase();
  const out: ArchiveSearchRow[] = [];
  let scanned = 0;
  for (;;) {
    const pageSize = needle === undefined ? s.limit + 1 : SCAN_PAGE;
    const rows = await (before === undefined ? query : query.where('archive_entries.idx', '<', before))
      .orderBy('archive_entries.idx', 'desc')
      .limit(pageSize)
      .execute();
    for (const r of rows) {
      const idx = Number(r.idx);
      const content = r.content === null ? null : await cipher.open(r.contact_id, r.content);
      scanned++;
      before = idx;
      if (needle !== undefined && (content === null || !content.toLowerCase().includes(needle))) continue;
      out.push({ ...r, idx, at: Number(r.at), content });
      if (out.length > s.limit) break;
    }
    if (out.length > s.limit || rows.length < pageSize) break;
    if (scanned >= SCAN_LIMIT) {
      // Stopped scanning: hand back what matched so far and where to go on from.
      return { data: out, next_cursor: before === undefined ? null : encodeCursor([before]) };
    }
  }
  const page = out.slice(0, s.limit);
  const last = page.at(-1);
  return { data: page, next_cursor: out.length > s.limit && last ? encodeCursor([last.idx]) : null };
}
