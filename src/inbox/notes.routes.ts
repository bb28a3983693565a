import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { newId } from '../platform/ids.ts';
import { iso } from '../platform/time.ts';
import { conversationFor } from './conversation-access.ts';

const idParams = z.object({ id: z.string().min(1) });

/**
 * Internal notes. They live in their own table, never in `messages`, so nothing that sends or
 * archives customer messages (the outbound engine, bots, exports of the thread) can pick them up.
 */
export function notesRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const db = deps.database.db;

    app.get('/api/conversations/:id/notes', { schema: { params: idParams } }, async (request) => {
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
      return {
        data: notes.map((n) => ({
          id: n.id,
          conversation_id: row.id,
          body: n.body,
          author: n.author_user_id ? { id: n.author_user_id, name: n.author_name ?? null } : null,
          created_at: iso(n.created_at),
        })),
        next_cursor: null,
      };
    });

    app.post(
      '/api/conversations/:id/notes',
      { schema: { params: idParams, body: z.object({ body: z.string().trim().min(1).max(10_000) }) } },
      async (request, reply) => {
        const principal = principalOf(request);
        const { row } = await conversationFor(db, principal, request.params.id);
        const now = deps.clock.now();
        const note = {
          id: newId(),
          conversation_id: row.id,
          author_user_id: principal.userId,
          body: request.body.body,
          created_at: now,
        };
        await db.transaction().execute(async (trx) => {
          await trx.insertInto('conversation_notes').values(note).execute();
          await recordEvent(
            trx,
            {
              type: 'conversation.note_added',
              phoneNumberId: row.phone_number_id,
              payload: {
                conversation_id: row.id,
                note_id: note.id,
                actor: { kind: principal.kind, id: principal.id },
              },
            },
            now,
          );
        });
        deps.signals.emit('events');
        const author = principal.userId
          ? await db
              .selectFrom('users')
              .select(['id', 'name'])
              .where('id', '=', principal.userId)
              .executeTakeFirst()
          : undefined;
        reply.code(201);
        return {
          id: note.id,
          conversation_id: row.id,
          body: note.body,
          author: author ? { id: author.id, name: author.name } : null,
          created_at: iso(now),
        };
      },
    );
  };
}
