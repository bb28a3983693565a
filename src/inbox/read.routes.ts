import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { errorResponses, ZIdParams } from '../platform/http/api-schemas.ts';
import { ZMarkConversationReadResponse } from './inbox.schemas.ts';
import { markConversationRead } from './mark-read.ts';

/** `POST /api/conversations/:id/read`: see {@link markConversationRead}. */
export function conversationReadRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();

    app.post(
      '/api/conversations/:id/read',
      { schema: { params: ZIdParams, response: { 200: ZMarkConversationReadResponse, ...errorResponses } } },
      async (request) =>
        markConversationRead(deps, { principal: principalOf(request), conversationId: request.params.id }),
    );
  };
}
