import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { errorResponses, ZIdParams, ZNoContent } from '../platform/http/api-schemas.ts';
import {
  ZAgentRouting,
  ZCreateRoutingPolicyRequest,
  ZListRoutingDecisionsResponse,
  ZListRoutingPoliciesResponse,
  ZListRoutingQueueResponse,
  ZPutAgentRoutingRequest,
  ZRouteRequest,
  ZRouteResponse,
  ZRoutingPolicy,
  ZUpdateRoutingPolicyRequest,
  ZUserParams,
} from './routing.schemas.ts';
import {
  agentRouting,
  createPolicy,
  decisionsOf,
  deletePolicy,
  listPolicies,
  listQueue,
  putAgentRouting,
  routeNow,
  updatePolicy,
} from './routing-admin.ts';

/** Routing's API: policies and agents' profiles (supervisors and up write), the queue, decisions, routing on demand. */
export function routingRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const db = deps.database.db;

    app.get(
      '/api/routing/policies',
      { schema: { response: { 200: ZListRoutingPoliciesResponse, ...errorResponses } } },
      async (request) => ({ data: await listPolicies(db, principalOf(request)), next_cursor: null }),
    );
    app.post(
      '/api/routing/policies',
      { schema: { body: ZCreateRoutingPolicyRequest, response: { 201: ZRoutingPolicy, ...errorResponses } } },
      async (request, reply) =>
        reply
          .code(201)
          .send(await createPolicy(deps, { principal: principalOf(request), policy: request.body })),
    );
    app.patch(
      '/api/routing/policies/:id',
      {
        schema: {
          params: ZIdParams,
          body: ZUpdateRoutingPolicyRequest,
          response: { 200: ZRoutingPolicy, ...errorResponses },
        },
      },
      async (request) =>
        updatePolicy(deps, { principal: principalOf(request), id: request.params.id, patch: request.body }),
    );
    app.delete(
      '/api/routing/policies/:id',
      { schema: { params: ZIdParams, response: { 204: ZNoContent, ...errorResponses } } },
      async (request, reply) => {
        await deletePolicy(deps, { principal: principalOf(request), id: request.params.id });
        return reply.code(204).send();
      },
    );
    app.get(
      '/api/routing/agents/:userId',
      { schema: { params: ZUserParams, response: { 200: ZAgentRouting, ...errorResponses } } },
      async (request) => agentRouting(db, principalOf(request), request.params.userId),
    );
    app.put(
      '/api/routing/agents/:userId',
      {
        schema: {
          params: ZUserParams,
          body: ZPutAgentRoutingRequest,
          response: { 200: ZAgentRouting, ...errorResponses },
        },
      },
      async (request) =>
        putAgentRouting(deps, {
          principal: principalOf(request),
          userId: request.params.userId,
          skills: request.body.skills,
          languages: request.body.languages,
          capacity: request.body.capacity,
          timeZone: request.body.time_zone,
          workingHours: request.body.working_hours,
        }),
    );
    app.get(
      '/api/routing/queue',
      { schema: { response: { 200: ZListRoutingQueueResponse, ...errorResponses } } },
      async (request) => ({ data: await listQueue(db, principalOf(request)), next_cursor: null }),
    );
    app.get(
      '/api/conversations/:id/routing',
      { schema: { params: ZIdParams, response: { 200: ZListRoutingDecisionsResponse, ...errorResponses } } },
      async (request) => ({
        data: await decisionsOf(db, principalOf(request), request.params.id),
        next_cursor: null,
      }),
    );
    app.post(
      '/api/conversations/:id/route',
      {
        schema: {
          params: ZIdParams,
          body: ZRouteRequest,
          response: { 200: ZRouteResponse, ...errorResponses },
        },
      },
      async (request) => ({
        decision: await routeNow(deps, {
          principal: principalOf(request),
          conversationId: request.params.id,
          policyId: request.body.policy_id,
          teamId: request.body.team_id,
          skills: request.body.skills,
          language: request.body.language,
        }),
      }),
    );
  };
}
