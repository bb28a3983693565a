import { type Kysely, sql } from 'kysely';
import type { DB } from '../database.ts';
import { decodeCursor, encodeCursor, type Page } from '../platform/http/pagination.ts';

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
 * Entries matching the search, newest first (by index). A principal limited to some business
 * accounts sees only the entries of their numbers; hub-wide entries (users, settings, verification
 * runs) only a principal who sees every account.
 */
export async function searchArchive(db: Kysely<DB>, s: ArchiveSearch): Promise<Page<ArchiveSearchRow>> {
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
  if (s.q) {
    const pattern = `%${s.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where(sql<boolean>`lower(content) like ${pattern} escape ${sql.lit('\\')}`);
  }
  if (s.cursor) {
    const [before] = decodeCursor(s.cursor, ['number'] as const);
    query = query.where('archive_entries.idx', '<', before);
  }
  const rows = await query
    .orderBy('archive_entries.idx', 'desc')
    .limit(s.limit + 1)
    .execute();
  const page = rows.slice(0, s.limit).map((r) => ({ ...r, idx: Number(r.idx), at: Number(r.at) }));
  const last = page.at(-1);
  return { data: page, next_cursor: rows.length > s.limit && last ? encodeCursor([last.idx]) : null };
}
