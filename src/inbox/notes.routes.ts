import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { errorResponses, ZIdParams } from '../platform/http/api-schemas.ts';
import { iso } from '../platform/time.ts';
import { conversationFor } from './conversation-access.ts';
import { ZCreateNoteRequest, ZListNotesResponse, ZNote } from './inbox.schemas.ts';
import { mentionsOfNotes } from './mentions.ts';
import { addNote } from './note-actions.ts';

/**
 * Internal notes. They live in their own table, never in `messages`, so nothing that sends or
 * archives customer messages (the outbound engine, bots, exports of the thread) can pick them up.
 */
export function notesRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const db = deps.database.db;

    app.get(
      '/api/conversations/:id/notes',
      { schema: { params: ZIdParams, response: { 200: ZListNotesResponse, ...errorResponses } } },
      async (request) => {
        const { row } = await conversationFor(db, principalOf(request), request.params.id);
        const notes = await db
          .selectFrom('conversation_notes')
          .leftJoin('users', 'users.id', 'conversation_notes.author_user_id')
          .select([
            'conversation_notes.id',
            'conversation_notes.body',
            'conversation_notes.created_at',
            'conversation_notes.author_user_id',
            'users.name as author_name',
          ])
          .where('conversation_notes.conversation_id', '=', row.id)
          .orderBy('conversation_notes.created_at')
          .orderBy('conversation_notes.id')
          .execute();
        const mentions = await mentionsOfNotes(
          db,
          notes.map((n) => n.id),
        );
        return {
          data: notes.map((n) => ({
            id: n.id,
            conversation_id: row.id,
            body: n.body,
            author: n.author_user_id ? { id: n.author_user_id, name: n.author_name ?? null } : null,
            mentions: mentions.get(n.id) ?? [],
            created_at: iso(n.created_at),
          })),
          next_cursor: null,
        };
      },
    );

    app.post(
      '/api/conversations/:id/notes',
      {
        schema: { params: ZIdParams, body: ZCreateNoteRequest, response: { 201: ZNote, ...errorResponses } },
      },
      async (request, reply) => {
        const note = await addNote(deps, {
          principal: principalOf(request),
          conversationId: request.params.id,
          body: request.body.body,
          mentionUserIds: request.body.mention_user_ids,
        });
        return reply.code(201).send(note);
      },
    );
  };
}
