import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { ZMessage } from '../messages/messages.schemas.ts';
import { errorResponses, ZIdParams } from '../platform/http/api-schemas.ts';
import { forwardMessage } from './forward-message.ts';
import { ZForwardMessageRequest } from './inbox.schemas.ts';

/** Message actions of the inbox beyond replying: forward to another conversation. */
export function messageActionsRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();

    app.post(
      '/api/messages/:id/forward',
      {
        schema: {
          params: ZIdParams,
          body: ZForwardMessageRequest,
          response: { 202: ZMessage, ...errorResponses },
        },
      },
      async (request, reply) => {
        const message = await forwardMessage(deps, {
          principal: principalOf(request),
          messageId: request.params.id,
          conversationId: request.body.conversation_id,
        });
        return reply.code(202).send(message);
      },
    );
  };
}
