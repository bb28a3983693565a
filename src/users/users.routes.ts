import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { disableMfa } from '../auth/mfa.ts';
import { generatePassword, hashPassword, MIN_PASSWORD_LENGTH } from '../auth/passwords.ts';
import { type Principal, principalOf } from '../auth/principal.ts';
import { revokeUserSessions } from '../auth/sessions.ts';
import type { DB } from '../database.ts';
import { AppError } from '../platform/errors.ts';
import { errorResponses, ZIdParams, ZNoContent } from '../platform/http/api-schemas.ts';
import { toApiUsers } from './user.mapper.ts';
import type { UserRow } from './user.table.ts';
import {
  findUser,
  findUserByEmail,
  insertUser,
  scopeWithin,
  setUserWabas,
  wabaScopeOf,
} from './users.repository.ts';
import {
  ZCreateUserRequest,
  ZCreateUserResponse,
  ZListAgentsResponse,
  ZListUsersResponse,
  ZUpdateUserRequest,
  ZUser,
} from './users.schemas.ts';

/** Users a principal may see: those sharing a business account with it, and org-wide users. */
export async function visibleUsers(db: Kysely<DB>, principal: Principal): Promise<UserRow[]> {
  let q = db.selectFrom('users').selectAll();
  const scope = principal.wabaIds;
  if (scope !== null) {
    if (scope.length === 0) q = q.where((eb) => eb.or([eb('all_wabas', '=', 1), eb('role', '=', 'owner')]));
    else
      q = q.where((eb) =>
        eb.or([
          eb('all_wabas', '=', 1),
          eb('role', '=', 'owner'),
          eb(
            'id',
            'in',
            eb
              .selectFrom('user_wabas')
              .select('user_id')
              .where('waba_id', 'in', [...scope]),
          ),
        ]),
      );
  }
  return q.orderBy('name').orderBy('id').execute();
}

/**
 * The target of a user-management action: it must exist, and its business accounts must lie inside
 * the caller's (a restricted admin cannot touch an org-wide user). Only an owner manages owners.
 */
async function manageableUser(db: Kysely<DB>, principal: Principal, id: string): Promise<UserRow> {
  const user = await findUser(db, id);
  if (!user) throw new AppError('NOT_FOUND', 'No such user.');
  const scope = await wabaScopeOf(db, user);
  if (!scopeWithin(scope, principal.wabaIds)) {
    const visible = (await visibleUsers(db, principal)).some((u) => u.id === id);
    throw visible ? new AppError('FORBIDDEN') : new AppError('NOT_FOUND', 'No such user.');
  }
  if (user.role === 'owner' && principal.role !== 'owner') {
    throw new AppError('FORBIDDEN', 'Only an owner can manage owners.');
  }
  return user;
}

function checkGrantedScope(principal: Principal, requested: readonly string[] | null): void {
  if (!scopeWithin(requested, principal.wabaIds)) {
    throw new AppError('FORBIDDEN', 'You cannot grant access to business accounts you do not have.');
  }
}

async function countActiveOwners(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'owner')
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

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
        const principal = principalOf(request);
        const body = request.body;
        if (body.role === 'owner' && principal.role !== 'owner') {
          throw new AppError('FORBIDDEN', 'Only an owner can create owners.');
        }
        const scope =
          body.role === 'owner'
            ? null
            : body.waba_ids === undefined
              ? (principal.wabaIds ?? null)
              : body.waba_ids;
        checkGrantedScope(principal, scope);
        if (await findUserByEmail(db, body.email))
          throw new AppError('CONFLICT', 'A user with this email exists.');
        const password = body.password ?? generatePassword();
        const user = await insertUser(db, {
          email: body.email,
          name: body.name,
          role: body.role,
          passwordHash: await hashPassword(password),
          wabaIds: scope === null ? null : [...scope],
          now: deps.clock.now(),
        });
        const [out] = await toApiUsers(db, [user], deps.clock.now());
        reply.code(201);
        return { user: out!, ...(body.password === undefined ? { password } : {}) };
      },
    );

    app.patch(
      '/api/users/:id',
      {
        schema: { params: ZIdParams, body: ZUpdateUserRequest, response: { 200: ZUser, ...errorResponses } },
      },
      async (request) => {
        const principal = principalOf(request);
        const body = request.body;
        const now = deps.clock.now();
        const user = await manageableUser(db, principal, request.params.id);
        if (body.role === 'owner' && principal.role !== 'owner') {
          throw new AppError('FORBIDDEN', 'Only an owner can make owners.');
        }
        const demotesOwner =
          user.role === 'owner' && ((body.role && body.role !== 'owner') || body.disabled === true);
        if (demotesOwner && (await countActiveOwners(db)) <= 1) {
          throw new AppError('CONFLICT', 'The last owner cannot be demoted or disabled.');
        }
        if (user.id === principal.userId && body.disabled === true) {
          throw new AppError('CONFLICT', 'You cannot disable yourself.');
        }
        if (body.waba_ids !== undefined) checkGrantedScope(principal, body.waba_ids);
        await db
          .updateTable('users')
          .set({
            ...(body.name !== undefined ? { name: body.name } : {}),
            ...(body.role !== undefined ? { role: body.role } : {}),
            ...(body.password !== undefined ? { password_hash: await hashPassword(body.password) } : {}),
            ...(body.disabled !== undefined ? { disabled_at: body.disabled ? now : null } : {}),
            updated_at: now,
          })
          .where('id', '=', user.id)
          .execute();
        if (body.waba_ids !== undefined || body.role === 'owner') {
          await setUserWabas(db, user.id, body.role === 'owner' ? null : (body.waba_ids ?? null), now);
        }
        if (body.reset_mfa) await disableMfa(db, user.id, now);
        if (
          body.password !== undefined ||
          body.disabled === true ||
          body.reset_mfa ||
          body.role !== undefined
        ) {
          await revokeUserSessions(db, user.id, now);
        }
        const [out] = await toApiUsers(db, [(await findUser(db, user.id))!], now);
        return out!;
      },
    );

    app.delete(
      '/api/users/:id',
      { schema: { params: ZIdParams, response: { 204: ZNoContent, ...errorResponses } } },
      async (request, reply) => {
        const principal = principalOf(request);
        const now = deps.clock.now();
        const user = await manageableUser(db, principal, request.params.id);
        if (user.id === principal.userId) throw new AppError('CONFLICT', 'You cannot delete yourself.');
        if (user.role === 'owner' && (await countActiveOwners(db)) <= 1) {
          throw new AppError('CONFLICT', 'The last owner cannot be deleted.');
        }
        // Deleting disables: the user's name stays on the messages and notes they wrote.
        await db.transaction().execute(async (trx) => {
          await trx
            .updateTable('users')
            .set({ disabled_at: now, updated_at: now })
            .where('id', '=', user.id)
            .execute();
          await trx.deleteFrom('team_members').where('user_id', '=', user.id).execute();
          await trx
            .updateTable('conversations')
            .set({ assignee_user_id: null, updated_at: now })
            .where('assignee_user_id', '=', user.id)
            .where('status', '!=', 'resolved')
            .execute();
          await trx
            .updateTable('api_tokens')
            .set({ revoked_at: now })
            .where('user_id', '=', user.id)
            .where('revoked_at', 'is', null)
            .execute();
        });
        await revokeUserSessions(db, user.id, now);
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
