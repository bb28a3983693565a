import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { errorResponses } from '../platform/http/api-schemas.ts';
import { conversationFor } from './conversation-access.ts';
import {
  ZListMentionsRequest,
  ZListMentionsResponse,
  ZMarkMentionsReadRequest,
  ZMarkMentionsReadResponse,
  ZNotificationSettings,
  ZUpdateNotificationSettingsRequest,
} from './inbox.schemas.ts';
import { listMyMentions, markMentionsRead } from './mentions.ts';
import { changeNotificationSettings, notificationSettingsOf } from './notification-settings.ts';

/**
 * The signed-in user's side of the inbox: the notes that `@mentioned` them (`GET /api/me/mentions`,
 * marked seen per conversation) and their browser notification settings.
 */
export function mentionsRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/me/mentions',
      {
        schema: {
          querystring: ZListMentionsRequest,
          response: { 200: ZListMentionsResponse, ...errorResponses },
        },
      },
      async (request) =>
        listMyMentions(deps, {
          principal: principalOf(request),
          unreadOnly: request.query.unread === 'true',
          limit: request.query.limit,
        }),
    );

    app.post(
      '/api/me/mentions/read',
      {
        schema: {
          body: ZMarkMentionsReadRequest,
          response: { 200: ZMarkMentionsReadResponse, ...errorResponses },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const { row } = await conversationFor(deps.database.db, principal, request.body.conversation_id);
        return markMentionsRead(deps, { principal, conversationId: row.id });
      },
    );

    app.get(
      '/api/me/notification-settings',
      { schema: { response: { 200: ZNotificationSettings, ...errorResponses } } },
      async (request) => notificationSettingsOf(deps, { principal: principalOf(request) }),
    );

    app.patch(
      '/api/me/notification-settings',
      {
        schema: {
          body: ZUpdateNotificationSettingsRequest,
          response: { 200: ZNotificationSettings, ...errorResponses },
        },
      },
      async (request) =>
        changeNotificationSettings(deps, { principal: principalOf(request), change: request.body }),
    );
  };
}
