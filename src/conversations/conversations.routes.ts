import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { contactsByIds } from '../contacts/contact.queries.ts';
import { labelsForConversations } from '../inbox/labels.ts';
import { listConversationMessages, toApiMessages } from '../messages/message.queries.ts';
import { canSeeNumber, visibleNumberIds } from '../numbers/number.queries.ts';
import { AppError } from '../platform/errors.ts';
import { errorResponses, ZIdParams } from '../platform/http/api-schemas.ts';
import { pageQuery } from '../platform/http/pagination.ts';
import { toApiConversation } from './conversation.mapper.ts';
import { findConversation, listConversations } from './conversation.queries.ts';
import {
  ZConversation,
  ZListConversationsRequest,
  ZListConversationsResponse,
  ZListMessagesResponse,
} from './conversations.schemas.ts';

/**
 * `GET /api/conversations` (filters, search, cursor pagination), `GET /api/conversations/:id` and
 * `GET /api/conversations/:id/messages` (newest first; `next_cursor` pages to older messages).
 */
export function conversationsRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/conversations',
      {
        schema: {
          querystring: ZListConversationsRequest,
          response: { 200: ZListConversationsResponse, ...errorResponses },
        },
      },
      async (request) => {
        const { db } = deps.database;
        const principal = principalOf(request);
        const visible = await visibleNumberIds(db, principal);
        const { phone_number_id, status, assignee, team_id, label, q, cursor, limit } = request.query;
        if (phone_number_id && !canSeeNumber(visible, phone_number_id))
          return { data: [], next_cursor: null };
        const assigneeUserId =
          assignee === undefined
            ? undefined
            : assignee === 'none' || assignee === 'unassigned'
              ? null
              : assignee === 'me'
                ? principal.userId
                : assignee;
        if (assignee === 'me' && principal.userId === null) return { data: [], next_cursor: null };
        const page = await listConversations(db, {
          visible,
          phoneNumberId: phone_number_id,
          status,
          assigneeUserId,
          teamId: team_id,
          labelId: label,
          q,
          cursor,
          limit,
        });
        const contacts = await contactsByIds(
          db,
          page.data.map((c) => c.contact_id),
        );
        const labels = await labelsForConversations(
          db,
          page.data.map((c) => c.id),
        );
        const now = deps.clock.now();
        return {
          data: page.data.map((row) => ({
            ...toApiConversation(row, contacts.get(row.contact_id) ?? null, now),
            labels: labels.get(row.id) ?? [],
          })),
          next_cursor: page.next_cursor,
        };
      },
    );

    app.get(
      '/api/conversations/:id',
      { schema: { params: ZIdParams, response: { 200: ZConversation, ...errorResponses } } },
      async (request) => {
        const { db } = deps.database;
        const visible = await visibleNumberIds(db, principalOf(request));
        const row = await findConversation(db, visible, request.params.id);
        if (!row) throw new AppError('NOT_FOUND', 'No such conversation.');
        const contacts = await contactsByIds(db, [row.contact_id]);
        const labels = await labelsForConversations(db, [row.id]);
        return {
          ...toApiConversation(row, contacts.get(row.contact_id) ?? null, deps.clock.now()),
          labels: labels.get(row.id) ?? [],
        };
      },
    );

    app.get(
      '/api/conversations/:id/messages',
      {
        schema: {
          params: ZIdParams,
          querystring: pageQuery,
          response: { 200: ZListMessagesResponse, ...errorResponses },
        },
      },
      async (request) => {
        const { db } = deps.database;
        const visible = await visibleNumberIds(db, principalOf(request));
        const conversation = await findConversation(db, visible, request.params.id);
        if (!conversation) throw new AppError('NOT_FOUND', 'No such conversation.');
        const page = await listConversationMessages(db, {
          conversationId: conversation.id,
          cursor: request.query.cursor,
          limit: request.query.limit,
        });
        return { data: await toApiMessages(db, page.data), next_cursor: page.next_cursor };
      },
    );
  };
}
