import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { requestUser } from '../auth/request-user.ts';
import { ZConversation, ZUpdateConversationRequest } from '../conversations/conversations.schemas.ts';
import { errorResponses, ZIdParams } from '../platform/http/api-schemas.ts';
import { conversationFor } from './conversation-access.ts';
import { patchConversation, takeOverConversation } from './conversation-actions.ts';
import { labelConversation, unlabelConversation } from './conversation-labels.ts';
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
        const user = await requestUser(deps, request);
        return takeOverConversation(deps, {
          principal: principalOf(request),
          conversationId: request.params.id,
          userId: user.id,
        });
      },
    );

    app.get(
      '/api/conversations/:id/labels',
      { schema: { params: ZIdParams, response: { 200: ZListLabelsResponse, ...errorResponses } } },
      async (request) => {
        const { row } = await conversationFor(db, principalOf(request), request.params.id);
        return { data: (await labelsForConversations(db, [row.id])).get(row.id) ?? [], next_cursor: null };
      },
    );

    app.post(
      '/api/conversations/:id/labels',
      { schema: { params: ZIdParams, body: ZAddLabelRequest, response: conversationResponse } },
      async (request) =>
        labelConversation(deps, {
          principal: principalOf(request),
          conversationId: request.params.id,
          labelId: request.body.label_id,
        }),
    );

    app.delete(
      '/api/conversations/:id/labels/:labelId',
      { schema: { params: ZLabelParams, response: conversationResponse } },
      async (request) =>
        unlabelConversation(deps, {
          principal: principalOf(request),
          conversationId: request.params.id,
          labelId: request.params.labelId,
        }),
    );
  };
}
