import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { type Principal, principalOf } from '../auth/principal.ts';
import { assertScoped, canSeeScoped, scopeForNewRow } from '../auth/scope.ts';
import type { DB } from '../database.ts';
import { AppError } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import { iso } from '../platform/time.ts';
import { findUser, scopesOverlap, wabaScopeOf } from '../users/users.repository.ts';
import type { TeamTable } from './team.table.ts';

const idParams = z.object({ id: z.string().min(1) });

async function toApiTeams(db: Kysely<DB>, teams: readonly TeamTable[]) {
  const ids = teams.map((t) => t.id);
  const members = ids.length
    ? await db.selectFrom('team_members').select(['team_id', 'user_id']).where('team_id', 'in', ids).execute()
    : [];
  return teams.map((t) => ({
    id: t.id,
    name: t.name,
    waba_id: t.waba_id,
    member_ids: members
      .filter((m) => m.team_id === t.id)
      .map((m) => m.user_id)
      .sort(),
    created_at: iso(t.created_at),
    updated_at: iso(t.updated_at),
  }));
}

/** A team the principal may see, or NOT_FOUND. */
export async function visibleTeam(db: Kysely<DB>, principal: Principal, id: string): Promise<TeamTable> {
  const team = await db.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
  if (!team) throw new AppError('NOT_FOUND', 'No such team.');
  assertScoped(principal, team.waba_id, 'team');
  return team;
}

async function addMember(db: Kysely<DB>, principal: Principal, team: TeamTable, userId: string, now: number) {
  const user = await findUser(db, userId);
  if (!user || user.disabled_at !== null) throw new AppError('NOT_FOUND', 'No such user.');
  const scope = await wabaScopeOf(db, user);
  const coversTeam = team.waba_id === null || scope === null || scope.includes(team.waba_id);
  if (!scopesOverlap(scope, principal.wabaIds)) throw new AppError('NOT_FOUND', 'No such user.');
  if (!coversTeam)
    throw new AppError('VALIDATION_FAILED', "The user has no access to the team's business account.");
  await db
    .insertInto('team_members')
    .values({ team_id: team.id, user_id: userId, created_at: now })
    .onConflict((oc) => oc.columns(['team_id', 'user_id']).doNothing())
    .execute();
}

/** Teams: everyone reads; owners and admins create, rename, delete and change members. */
export function teamsRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const db = deps.database.db;

    app.get('/api/teams', async (request) => {
      const principal = principalOf(request);
      const teams = (await db.selectFrom('teams').selectAll().orderBy('name').orderBy('id').execute()).filter(
        (t) => canSeeScoped(principal, t.waba_id),
      );
      return { data: await toApiTeams(db, teams), next_cursor: null };
    });

    app.get('/api/teams/:id', { schema: { params: idParams } }, async (request) => {
      const [out] = await toApiTeams(db, [await visibleTeam(db, principalOf(request), request.params.id)]);
      return out;
    });

    app.post(
      '/api/teams',
      {
        schema: {
          body: z.object({
            name: z.string().trim().min(1).max(200),
            waba_id: z.string().min(1).nullable().optional(),
            member_ids: z.array(z.string().min(1)).max(500).optional(),
          }),
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const now = deps.clock.now();
        const team: TeamTable = {
          id: newId(),
          name: request.body.name,
          waba_id: scopeForNewRow(principal, request.body.waba_id),
          created_at: now,
          updated_at: now,
        };
        await db.insertInto('teams').values(team).execute();
        for (const userId of request.body.member_ids ?? []) await addMember(db, principal, team, userId, now);
        reply.code(201);
        const [out] = await toApiTeams(db, [team]);
        return out;
      },
    );

    app.patch(
      '/api/teams/:id',
      { schema: { params: idParams, body: z.object({ name: z.string().trim().min(1).max(200) }) } },
      async (request) => {
        const team = await visibleTeam(db, principalOf(request), request.params.id);
        const now = deps.clock.now();
        await db
          .updateTable('teams')
          .set({ name: request.body.name, updated_at: now })
          .where('id', '=', team.id)
          .execute();
        const [out] = await toApiTeams(db, [{ ...team, name: request.body.name, updated_at: now }]);
        return out;
      },
    );

    app.delete('/api/teams/:id', { schema: { params: idParams } }, async (request, reply) => {
      const team = await visibleTeam(db, principalOf(request), request.params.id);
      const now = deps.clock.now();
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('team_members').where('team_id', '=', team.id).execute();
        await trx.deleteFrom('canned_replies').where('team_id', '=', team.id).execute();
        await trx
          .updateTable('conversations')
          .set({ team_id: null, updated_at: now })
          .where('team_id', '=', team.id)
          .execute();
        await trx.deleteFrom('teams').where('id', '=', team.id).execute();
      });
      reply.code(204);
      return reply.send();
    });

    app.post(
      '/api/teams/:id/members',
      { schema: { params: idParams, body: z.object({ user_id: z.string().min(1) }) } },
      async (request) => {
        const principal = principalOf(request);
        const team = await visibleTeam(db, principal, request.params.id);
        await addMember(db, principal, team, request.body.user_id, deps.clock.now());
        const [out] = await toApiTeams(db, [team]);
        return out;
      },
    );

    app.delete(
      '/api/teams/:id/members/:userId',
      { schema: { params: z.object({ id: z.string().min(1), userId: z.string().min(1) }) } },
      async (request) => {
        const team = await visibleTeam(db, principalOf(request), request.params.id);
        await db
          .deleteFrom('team_members')
          .where('team_id', '=', team.id)
          .where('user_id', '=', request.params.userId)
          .execute();
        const [out] = await toApiTeams(db, [team]);
        return out;
      },
    );
  };
}
