import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { errorResponses, ZIdParams, ZNoContent } from '../platform/http/api-schemas.ts';
import { listTeams, toApiTeam, visibleTeam } from './team.queries.ts';
import { addTeamMember, createTeam, deleteTeam, removeTeamMember, renameTeam } from './team-actions.ts';
import {
  ZAddTeamMemberRequest,
  ZCreateTeamRequest,
  ZListTeamsResponse,
  ZRenameTeamRequest,
  ZTeam,
  ZTeamMemberParams,
} from './teams.schemas.ts';

const teamResponse = { 200: ZTeam, ...errorResponses };

/** Teams: everyone reads; owners and admins create, rename, delete and change members. */
export function teamsRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const db = deps.database.db;

    app.get(
      '/api/teams',
      { schema: { response: { 200: ZListTeamsResponse, ...errorResponses } } },
      async (request) => ({ data: await listTeams(db, principalOf(request)), next_cursor: null }),
    );

    app.get('/api/teams/:id', { schema: { params: ZIdParams, response: teamResponse } }, async (request) =>
      toApiTeam(db, await visibleTeam(db, principalOf(request), request.params.id)),
    );

    app.post(
      '/api/teams',
      {
        schema: {
          body: ZCreateTeamRequest,
          response: { 201: ZTeam, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { name, waba_id, member_ids } = request.body;
        const principal = principalOf(request);
        const team = await createTeam(deps, {
          principal,
          name,
          wabaId: waba_id,
          memberIds: member_ids ?? [],
        });
        return reply.code(201).send(team);
      },
    );

    app.patch(
      '/api/teams/:id',
      { schema: { params: ZIdParams, body: ZRenameTeamRequest, response: teamResponse } },
      async (request) =>
        renameTeam(deps, {
          principal: principalOf(request),
          teamId: request.params.id,
          name: request.body.name,
        }),
    );

    app.delete(
      '/api/teams/:id',
      { schema: { params: ZIdParams, response: { 204: ZNoContent, ...errorResponses } } },
      async (request, reply) => {
        await deleteTeam(deps, { principal: principalOf(request), teamId: request.params.id });
        return reply.code(204).send();
      },
    );

    app.post(
      '/api/teams/:id/members',
      { schema: { params: ZIdParams, body: ZAddTeamMemberRequest, response: teamResponse } },
      async (request) =>
        addTeamMember(deps, {
          principal: principalOf(request),
          teamId: request.params.id,
          userId: request.body.user_id,
        }),
    );

    app.delete(
      '/api/teams/:id/members/:userId',
      { schema: { params: ZTeamMemberParams, response: teamResponse } },
      async (request) =>
        removeTeamMember(deps, {
          principal: principalOf(request),
          teamId: request.params.id,
          userId: request.params.userId,
        }),
    );
  };
}
