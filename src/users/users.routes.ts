import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { AppError } from '../platform/errors.ts';
import { errorResponses, ZIdParams, ZNoContent } from '../platform/http/api-schemas.ts';
import { originOf } from '../security/security-log.ts';
import { toApiUsers } from './user.mapper.ts';
import { visibleUsers } from './user.queries.ts';
import { createUser, deleteUser, updateUser } from './user-actions.ts';
import {
  ZCreateUserRequest,
  ZCreateUserResponse,
  ZListAgentsResponse,
  ZListUsersResponse,
  ZUpdateUserRequest,
  ZUser,
} from './users.schemas.ts';

/** `GET/POST/PATCH/DELETE /api/users` (owner and admin) and `GET /api/agents` (everyone's directory). */
export function usersRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const db = deps.database.db;

    app.get(
      '/api/users',
      { schema: { response: { 200: ZListUsersResponse, ...errorResponses } } },
      async (request) => {
        const users = await visibleUsers(db, principalOf(request));
        return { data: await toApiUsers(db, users, deps.clock.now()), next_cursor: null };
      },
    );

    app.get(
      '/api/users/:id',
      { schema: { params: ZIdParams, response: { 200: ZUser, ...errorResponses } } },
      async (request) => {
        const principal = principalOf(request);
        const user = (await visibleUsers(db, principal)).find((u) => u.id === request.params.id);
        if (!user) throw new AppError('NOT_FOUND', 'No such user.');
        const [out] = await toApiUsers(db, [user], deps.clock.now());
        return out!;
      },
    );

    app.post(
      '/api/users',
      { schema: { body: ZCreateUserRequest, response: { 201: ZCreateUserResponse, ...errorResponses } } },
      async (request, reply) => {
        const { email, name, role, password, waba_ids } = request.body;
        const principal = principalOf(request);
        const created = await createUser(deps, {
          principal,
          email,
          name,
          role,
          password,
          wabaIds: waba_ids,
          origin: originOf(request),
        });
        return reply.code(201).send(created);
      },
    );

    app.patch(
      '/api/users/:id',
      {
        schema: { params: ZIdParams, body: ZUpdateUserRequest, response: { 200: ZUser, ...errorResponses } },
      },
      async (request) => {
        const { name, role, password, waba_ids, disabled, reset_mfa, current_password, code } = request.body;
        return updateUser(deps, {
          principal: principalOf(request),
          userId: request.params.id,
          changes: { name, role, password, wabaIds: waba_ids, disabled, resetMfa: reset_mfa },
          confirm: { ip: request.ip, secrets: { password: current_password, code } },
          origin: originOf(request),
        });
      },
    );

    app.delete(
      '/api/users/:id',
      { schema: { params: ZIdParams, response: { 204: ZNoContent, ...errorResponses } } },
      async (request, reply) => {
        await deleteUser(deps, {
          principal: principalOf(request),
          userId: request.params.id,
          origin: originOf(request),
        });
        return reply.code(204).send();
      },
    );

    app.get(
      '/api/agents',
      { schema: { response: { 200: ZListAgentsResponse, ...errorResponses } } },
      async (request) => {
        const users = (await visibleUsers(db, principalOf(request))).filter(
          (u) => u.disabled_at === null && u.role !== 'auditor',
        );
        const api = await toApiUsers(db, users, deps.clock.now());
        return {
          data: api.map((u) => ({
            id: u.id,
            name: u.name,
            role: u.role,
            presence: u.presence,
            team_ids: u.team_ids,
          })),
          next_cursor: null,
        };
      },
    );
  };
}
