import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { ZConversation } from '../conversations/conversations.schemas.ts';
import { errorResponses, ZIdParams } from '../platform/http/api-schemas.ts';
import { ZSnoozeOptionsResponse, ZSnoozeRequest } from './inbox.schemas.ts';
import { snoozeConversation, snoozeOptions, unsnoozeConversation } from './snooze.ts';

/** Snoozing a conversation until a time, and waking it early (docs/inbox.md). */
export function snoozeRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/conversations/:id/snooze-options',
      { schema: { params: ZIdParams, response: { 200: ZSnoozeOptionsResponse, ...errorResponses } } },
      async (request) =>
        snoozeOptions(deps, { principal: principalOf(request), conversationId: request.params.id }),
    );

    app.post(
      '/api/conversations/:id/snooze',
      {
        schema: {
          params: ZIdParams,
          body: ZSnoozeRequest,
          response: { 200: ZConversation, ...errorResponses },
        },
      },
      async (request) =>
        snoozeConversation(deps, {
          principal: principalOf(request),
          conversationId: request.params.id,
          preset: request.body.preset,
          until: request.body.until === undefined ? undefined : Date.parse(request.body.until),
        }),
    );

    app.delete(
      '/api/conversations/:id/snooze',
      { schema: { params: ZIdParams, response: { 200: ZConversation, ...errorResponses } } },
      async (request) =>
        unsnoozeConversation(deps, { principal: principalOf(request), conversationId: request.params.id }),
    );
  };
}
