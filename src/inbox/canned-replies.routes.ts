import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { errorResponses, ZIdParams, ZNoContent } from '../platform/http/api-schemas.ts';
import {
  createCannedReply,
  deleteCannedReply,
  listCannedReplies,
  updateCannedReply,
} from './canned-reply-actions.ts';
import {
  ZCannedReply,
  ZCreateCannedReplyRequest,
  ZListCannedRepliesRequest,
  ZListCannedRepliesResponse,
  ZUpdateCannedReplyRequest,
} from './inbox.schemas.ts';

/**
 * Canned replies: global (`team_id: null`) or per team. Everyone reads those of their business
 * accounts (agents only global ones and their teams'); supervisors and up write.
 */
export function cannedRepliesRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/canned-replies',
      {
        schema: {
          querystring: ZListCannedRepliesRequest,
          response: { 200: ZListCannedRepliesResponse, ...errorResponses },
        },
      },
      async (request) => ({
        data: await listCannedReplies(deps, {
          principal: principalOf(request),
          teamId: request.query.team_id,
          q: request.query.q,
        }),
        next_cursor: null,
      }),
    );

    app.post(
      '/api/canned-replies',
      {
        schema: {
          body: ZCreateCannedReplyRequest,
          response: { 201: ZCannedReply, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { shortcut, text, team_id, waba_id } = request.body;
        const principal = principalOf(request);
        const created = await createCannedReply(deps, {
          principal,
          shortcut,
          text,
          teamId: team_id,
          wabaId: waba_id,
        });
        return reply.code(201).send(created);
      },
    );

    app.patch(
      '/api/canned-replies/:id',
      {
        schema: {
          params: ZIdParams,
          body: ZUpdateCannedReplyRequest,
          response: { 200: ZCannedReply, ...errorResponses },
        },
      },
      async (request) =>
        updateCannedReply(deps, {
          principal: principalOf(request),
          replyId: request.params.id,
          shortcut: request.body.shortcut,
          text: request.body.text,
        }),
    );

    app.delete(
      '/api/canned-replies/:id',
      { schema: { params: ZIdParams, response: { 204: ZNoContent, ...errorResponses } } },
      async (request, reply) => {
        await deleteCannedReply(deps, { principal: principalOf(request), replyId: request.params.id });
        return reply.code(204).send();
      },
    );
  };
}
