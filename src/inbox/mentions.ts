import type { Kysely } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import type { Principal } from '../auth/principal.ts';
import type { DB } from '../database.ts';
import { AppError } from '../platform/errors.ts';
import { iso, isoOrNull } from '../platform/time.ts';
import { findUser, wabaScopeOf } from '../users/users.repository.ts';
import type { Mention } from './inbox.schemas.ts';

/*
 * `@mentions` of colleagues in internal notes (docs/inbox.md): the note stores who it names
 * (`note_mentions`), each of them gets a `conversation.mentioned` event (the web app turns it into a
 * notification) and sees it among their mentions until they open the conversation.
 */

export type NoteMentionUser = { user_id: string; name: string | null };

/**
 * The colleagues a note may mention: active users (not auditors) who can see the conversation's
 * business account. The author is dropped (no one is notified of their own note).
 */
export async function mentionableUsers(
  db: Kysely<DB>,
  input: { userIds: readonly string[]; wabaId: string; authorUserId: string | null },
): Promise<NoteMentionUser[]> {
  const ids = [...new Set(input.userIds)].filter((id) => id !== input.authorUserId);
  const found: NoteMentionUser[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const user = await findUser(db, id);
    const scope = user ? await wabaScopeOf(db, user) : [];
    const usable =
      user &&
      user.disabled_at === null &&
      user.role !== 'auditor' &&
      (scope === null || scope.includes(input.wabaId));
    if (usable) found.push({ user_id: user.id, name: user.name });
    else missing.push(id);
  }
  if (missing.length > 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      'Only active colleagues of this business account can be mentioned.',
      {
        missing,
      },
    );
  }
  return found;
}

/** The users each note mentions, by note id. */
export async function mentionsOfNotes(
  db: Kysely<DB>,
  noteIds: readonly string[],
): Promise<Map<string, NoteMentionUser[]>> {
  const byNote = new Map<string, NoteMentionUser[]>();
  if (noteIds.length === 0) return byNote;
  const rows = await db
    .selectFrom('note_mentions')
    .leftJoin('users', 'users.id', 'note_mentions.user_id')
    .select(['note_mentions.note_id', 'note_mentions.user_id', 'users.name'])
    .where('note_mentions.note_id', 'in', [...noteIds])
    .orderBy('note_mentions.created_at')
    .orderBy('note_mentions.id')
    .execute();
  for (const row of rows) {
    const list = byNote.get(row.note_id) ?? [];
    list.push({ user_id: row.user_id, name: row.name ?? null });
    byNote.set(row.note_id, list);
  }
  return byNote;
}

async function unreadCount(db: Kysely<DB>, userId: string): Promise<number> {
  const row = await db
    .selectFrom('note_mentions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The notes that mentioned me, newest first, in conversations I can still see. */
export async function listMyMentions(
  deps: AppDeps,
  input: { principal: Principal; unreadOnly: boolean; limit: number },
): Promise<{ data: Mention[]; next_cursor: null; unread_count: number }> {
  const db = deps.database.db;
  const userId = input.principal.userId;
  if (userId === null) return { data: [], next_cursor: null, unread_count: 0 };
  let query = db
    .selectFrom('note_mentions')
    .innerJoin('conversation_notes', 'conversation_notes.id', 'note_mentions.note_id')
    .innerJoin('conversations', 'conversations.id', 'note_mentions.conversation_id')
    .innerJoin('phone_numbers', 'phone_numbers.id', 'conversations.phone_number_id')
    .leftJoin('contacts', 'contacts.id', 'conversations.contact_id')
    .leftJoin('users', 'users.id', 'note_mentions.author_user_id')
    .select([
      'note_mentions.id',
      'note_mentions.note_id',
      'note_mentions.conversation_id',
      'note_mentions.author_user_id',
      'note_mentions.created_at',
      'note_mentions.read_at',
      'conversation_notes.body',
      'users.name as author_name',
      'contacts.profile_name',
      'contacts.address_book_name',
      'contacts.wa_id',
    ])
    .where('note_mentions.user_id', '=', userId);
  const wabaIds = input.principal.wabaIds;
  if (wabaIds !== null) {
    if (wabaIds.length === 0) return { data: [], next_cursor: null, unread_count: 0 };
    query = query.where('phone_numbers.waba_id', 'in', [...wabaIds]);
  }
  if (input.unreadOnly) query = query.where('note_mentions.read_at', 'is', null);
  const rows = await query
    .orderBy('note_mentions.created_at', 'desc')
    .orderBy('note_mentions.id', 'desc')
    .limit(input.limit)
    .execute();
  return {
    data: rows.map((r) => ({
      id: r.id,
      note_id: r.note_id,
      conversation_id: r.conversation_id,
      body: r.body,
      author: r.author_user_id ? { id: r.author_user_id, name: r.author_name ?? null } : null,
      contact_name: r.address_book_name ?? r.profile_name ?? r.wa_id ?? null,
      created_at: iso(Number(r.created_at)),
      read_at: isoOrNull(r.read_at === null ? null : Number(r.read_at)),
    })),
    next_cursor: null,
    unread_count: await unreadCount(db, userId),
  };
}

/** Marks my mentions in a conversation as seen (opening it does). */
export async function markMentionsRead(
  deps: AppDeps,
  input: { principal: Principal; conversationId: string },
): Promise<{ marked: number; unread_count: number }> {
  const db = deps.database.db;
  const userId = input.principal.userId;
  if (userId === null) return { marked: 0, unread_count: 0 };
  const result = await db
    .updateTable('note_mentions')
    .set({ read_at: deps.clock.now() })
    .where('user_id', '=', userId)
    .where('conversation_id', '=', input.conversationId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return { marked: Number(result.numUpdatedRows), unread_count: await unreadCount(db, userId) };
}
