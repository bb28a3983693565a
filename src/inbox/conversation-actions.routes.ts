import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { requestUser } from '../auth/request-user.ts';
import { conversationChanged } from '../conversations/conversation.repository.ts';
import { AppError } from '../platform/errors.ts';
import { conversationFor } from './conversation-access.ts';
import { assertLabelsUsable, conversationView, patchConversation } from './conversation-actions.ts';
import { labelsForConversations } from './labels.ts';

const idParams = z.object({ id: z.string().min(1) });

const patchBody = z
  .object({
    assignee_user_id: z.string().min(1).nullable().optional(),
    team_id: z.string().min(1).nullable().optional(),
    status: z.enum(['open', 'pending', 'resolved']).optional(),
    labels: z.array(z.string().min(1)).max(50).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'Nothing to change.' });

/** Assignment, transfer, status (resolve/reopen), labels and take-over of a conversation. */
export function conversationActionsRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const db = deps.database.db;

    app.patch('/api/conversations/:id', { schema: { params: idParams, body: patchBody } }, async (request) =>
      patchConversation(deps, {
        principal: principalOf(request),
        conversationId: request.params.id,
        patch: request.body,
      }),
    );

    app.post('/api/conversations/:id/take-over', { schema: { params: idParams } }, async (request) => {
      const principal = principalOf(request);
      const user = await requestUser(deps, request);
      const { row } = await conversationFor(db, principal, request.params.id);
      return patchConversation(deps, {
        principal,
        conversationId: row.id,
        patch: {
          assignee_user_id: user.id,
          ...(row.status === 'resolved' ? { status: 'open' as const } : {}),
        },
      });
    });

    app.get('/api/conversations/:id/labels', { schema: { params: idParams } }, async (request) => {
      const { row } = await conversationFor(db, principalOf(request), request.params.id);
      return { data: (await labelsForConversations(db, [row.id])).get(row.id) ?? [], next_cursor: null };
    });

    app.post(
      '/api/conversations/:id/labels',
      { schema: { params: idParams, body: z.object({ label_id: z.string().min(1) }) } },
      async (request) => {
        const principal = principalOf(request);
        const { row, wabaId } = await conversationFor(db, principal, request.params.id);
        await assertLabelsUsable(db, [request.body.label_id], wabaId);
        const now = deps.clock.now();
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('conversation_labels')
            .values({ conversation_id: row.id, label_id: request.body.label_id, created_at: now })
            .onConflict((oc) => oc.columns(['conversation_id', 'label_id']).doNothing())
            .execute();
          await conversationChanged(trx, {
            phoneNumberId: row.phone_number_id,
            conversationId: row.id,
            at: now,
          });
        });
        deps.realtime?.notify();
        return conversationView(deps, principal, row.id);
      },
    );

    app.delete(
      '/api/conversations/:id/labels/:labelId',
      { schema: { params: z.object({ id: z.string().min(1), labelId: z.string().min(1) }) } },
      async (request) => {
        const principal = principalOf(request);
        const { row } = await conversationFor(db, principal, request.params.id);
        const now = deps.clock.now();
        const removed = await db.transaction().execute(async (trx) => {
          const result = await trx
            .deleteFrom('conversation_labels')
            .where('conversation_id', '=', row.id)
            .where('label_id', '=', request.params.labelId)
            .executeTakeFirst();
          if (Number(result.numDeletedRows) > 0) {
            await conversationChanged(trx, {
              phoneNumberId: row.phone_number_id,
              conversationId: row.id,
              at: now,
            });
          }
          return Number(result.numDeletedRows);
        });
        if (removed === 0) throw new AppError('NOT_FOUND', 'The conversation does not carry this label.');
        deps.realtime?.notify();
        return conversationView(deps, principal, row.id);
      },
    );
  };
}
