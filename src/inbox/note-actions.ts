import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../auth/actor.ts';
import type { Principal } from '../auth/principal.ts';
import { recordEvent, recordEvents } from '../platform/events/record-event.ts';
import { withEvents } from '../platform/events/with-events.ts';
import { newId } from '../platform/ids.ts';
import { iso } from '../platform/time.ts';
import { conversationFor } from './conversation-access.ts';
import { mentionableUsers, type NoteMentionUser } from './mentions.ts';

/** A note as the API returns it. */
export type ApiNote = {
  id: string;
  conversation_id: string;
  body: string;
  author: { id: string; name: string | null } | null;
  mentions: NoteMentionUser[];
  created_at: string;
};

/**
 * Writes an internal note on a conversation (`conversation.note_added`). Notes live in their own
 * table, never in `messages`, so nothing that sends or archives customer messages can pick them up.
 * Each colleague in `mentionUserIds` (named `@Name` in the body) is stored with the note and
 * notified (`conversation.mentioned`).
 */
export async function addNote(
  deps: AppDeps,
  input: { principal: Principal; conversationId: string; body: string; mentionUserIds?: readonly string[] },
): Promise<ApiNote> {
  const db = deps.database.db;
  const { principal } = input;
  const { row, wabaId } = await conversationFor(db, principal, input.conversationId);
  const mentions = await mentionableUsers(db, {
    userIds: input.mentionUserIds ?? [],
    wabaId,
    authorUserId: principal.userId,
  });
  const now = deps.clock.now();
  const note = {
    id: newId(),
    conversation_id: row.id,
    author_user_id: principal.userId,
    body: input.body,
    created_at: now,
  };
  await withEvents(deps, async (trx) => {
    await trx.insertInto('conversation_notes').values(note).execute();
    await recordEvent(
      trx,
      {
        type: 'conversation.note_added',
        phoneNumberId: row.phone_number_id,
        payload: { conversation_id: row.id, note_id: note.id, actor: actorOf(principal) },
      },
      now,
    );
    if (mentions.length === 0) return;
    await trx
      .insertInto('note_mentions')
      .values(
        mentions.map((m) => ({
          id: newId(),
          note_id: note.id,
          conversation_id: row.id,
          user_id: m.user_id,
          author_user_id: principal.userId,
          created_at: now,
          read_at: null,
        })),
      )
      .execute();
    await recordEvents(
      trx,
      mentions.map((m) => ({
        type: 'conversation.mentioned' as const,
        phoneNumberId: row.phone_number_id,
        payload: { conversation_id: row.id, note_id: note.id, user_id: m.user_id, actor: actorOf(principal) },
      })),
      now,
    );
  });
  const author = principal.userId
    ? await db
        .selectFrom('users')
        .select(['id', 'name'])
        .where('id', '=', principal.userId)
        .executeTakeFirst()
    : undefined;
  return {
    id: note.id,
    conversation_id: row.id,
    body: note.body,
    author: author ? { id: author.id, name: author.name } : null,
    mentions,
    created_at: iso(now),
  };
}
