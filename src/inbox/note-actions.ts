import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../auth/actor.ts';
import type { Principal } from '../auth/principal.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { withEvents } from '../platform/events/with-events.ts';
import { newId } from '../platform/ids.ts';
import { iso } from '../platform/time.ts';
import { conversationFor } from './conversation-access.ts';

/** A note as the API returns it. */
export type ApiNote = {
  id: string;
  conversation_id: string;
  body: string;
  author: { id: string; name: string | null } | null;
  created_at: string;
};

/**
 * Writes an internal note on a conversation (`conversation.note_added`). Notes live in their own
 * table, never in `messages`, so nothing that sends or archives customer messages can pick them up.
 */
export async function addNote(
  deps: AppDeps,
  input: { principal: Principal; conversationId: string; body: string },
): Promise<ApiNote> {
  const db = deps.database.db;
  const { principal } = input;
  const { row } = await conversationFor(db, principal, input.conversationId);
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
    created_at: iso(now),
  };
}
