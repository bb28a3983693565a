import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { requestUser } from '../auth/request-user.ts';
import { conversationChanged } from '../conversations/conversation.repository.ts';
import { ZConversation, ZUpdateConversationRequest } from '../conversations/conversations.schemas.ts';
import { AppError } from '../platform/errors.ts';
import { errorResponses, ZIdParams } from '../platform/http/api-schemas.ts';
import { conversationFor } from './conversation-access.ts';
import { assertLabelsUsable, conversationView, patchConversation } from './conversation-actions.ts';
import { ZAddLabelRequest, ZLabelParams, ZListLabelsResponse } from './inbox.schemas.ts';
import { labelsForConversations } from './labels.ts';

const conversationResponse = { 200: ZConversation, ...errorResponses };

/** Assignment, transfer, status (resolve/reopen), labels and take-over of a conversation. */
export function conversationActionsRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const db = deps.database.db;

    app.patch(
      '/api/conversations/:id',
      { schema: { params: ZIdParams, body: ZUpdateConversationRequest, response: conversationResponse } },
      async (request) =>
      patchConversation(deps, {
        principal: principalOf(request),
        conversationId: request.params.id,
        patch: request.body,
      }),
    );

    app.post(
      '/api/conversations/:id/take-over',
      { schema: { params: ZIdParams, response: conversationResponse } },
      async (request) => {
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

    app.get(
      '/api/conversations/:id/labels',
      { schema: { params: ZIdParams, response: { 200: ZListLabelsResponse, ...errorResponses } } },
      async (request) => {
      const { row } = await conversationFor(db, principalOf(request), request.params.id);
      return { data: (await labelsForConversations(db, [row.id])).get(row.id) ?? [], next_cursor: null };
    });

    app.post(
      '/api/conversations/:id/labels',
      { schema: { params: ZIdParams, body: ZAddLabelRequest, response: conversationResponse } },
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
            change: 'label_added',
          });
        });
        deps.signals.emit('events');
        return conversationView(deps, principal, row.id);
      },
    );

    app.delete(
      '/api/conversations/:id/labels/:labelId',
      { schema: { params: ZLabelParams, response: conversationResponse } },
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
              change: 'label_removed',
            });
          }
          return Number(result.numDeletedRows);
        });
        if (removed === 0) throw new AppError('NOT_FOUND', 'The conversation does not carry this label.');
        deps.signals.emit('events');
        return conversationView(deps, principal, row.id);
      },
    );
  };
}
