import type { Kysely, Transaction } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../auth/actor.ts';
import { organisationOf } from '../auth/organisation-scope.ts';
import type { Principal } from '../auth/principal.ts';
import { scopeForNewRow } from '../auth/scope.ts';
import type { DB } from '../database.ts';
import { AppError } from '../platform/errors.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { withEvents } from '../platform/events/with-events.ts';
import { newId } from '../platform/ids.ts';
import { findMember } from '../users/user.queries.ts';
import { scopesOverlap, wabaScopeIn } from '../users/users.repository.ts';
import { type ApiTeam, toApiTeam, visibleTeam } from './team.queries.ts';
import type { TeamTable } from './team.table.ts';

/*
 * What an owner or admin does with teams (auth/policy.ts `teams.write`). Each action runs in one
 * transaction that records `team.changed` with the action and who did it.
 */

type TeamAction = 'created' | 'renamed' | 'deleted' | 'member_added' | 'member_removed';

async function teamChanged(
  trx: Kysely<DB>,
  input: { principal: Principal; teamId: string; action: TeamAction; at: number },
): Promise<void> {
  await recordEvent(
    trx,
    {
      type: 'team.changed',
      phoneNumberId: null,
      payload: { team_id: input.teamId, action: input.action, actor: actorOf(input.principal) },
    },
    input.at,
  );
}

/** Throws unless the user may join the team: active, visible to the principal, and covering its account. */
async function assertMayJoin(db: Kysely<DB>, principal: Principal, team: TeamTable, userId: string) {
  // Only a member of the caller's organisation, seeing the accounts it has there.
  const user = await findMember(db, principal, userId);
  if (!user || user.disabled_at !== null) throw new AppError('NOT_FOUND', 'No such user.');
  const scope = await wabaScopeIn(db, user, organisationOf(principal), user.role);
  if (!scopesOverlap(scope, principal.wabaIds)) throw new AppError('NOT_FOUND', 'No such user.');
  const coversTeam = team.waba_id === null || scope === null || scope.includes(team.waba_id);
  if (!coversTeam) {
    throw new AppError('VALIDATION_FAILED', "The user has no access to the team's business account.");
  }
}

async function insertMember(trx: Transaction<DB>, teamId: string, userId: string, now: number) {
  const result = await trx
    .insertInto('team_members')
    .values({ team_id: teamId, user_id: userId, created_at: now })
    .onConflict((oc) => oc.columns(['team_id', 'user_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Creates a team with its first members; nothing is created when one of them may not join. */
export async function createTeam(
  deps: AppDeps,
  input: {
    principal: Principal;
    name: string;
    wabaId?: string | null | undefined;
    memberIds?: readonly string[];
  },
): Promise<ApiTeam> {
  const db = deps.database.db;
  const { principal } = input;
  const now = deps.clock.now();
  const team: TeamTable = {
    id: newId(),
    name: input.name,
    waba_id: scopeForNewRow(principal, input.wabaId),
    created_at: now,
    updated_at: now,
  };
  const memberIds = [...new Set(input.memberIds ?? [])];
  for (const userId of memberIds) await assertMayJoin(db, principal, team, userId);
  await withEvents(deps, async (trx) => {
    await trx.insertInto('teams').values(team).execute();
    for (const userId of memberIds) await insertMember(trx, team.id, userId, now);
    await teamChanged(trx, { principal, teamId: team.id, action: 'created', at: now });
  });
  return toApiTeam(db, team);
}

export async function renameTeam(
  deps: AppDeps,
  input: { principal: Principal; teamId: string; name: string },
): Promise<ApiTeam> {
  const db = deps.database.db;
  const team = await visibleTeam(db, input.principal, input.teamId);
  const now = deps.clock.now();
  await withEvents(deps, async (trx) => {
    await trx
      .updateTable('teams')
      .set({ name: input.name, updated_at: now })
      .where('id', '=', team.id)
      .execute();
    await teamChanged(trx, { principal: input.principal, teamId: team.id, action: 'renamed', at: now });
  });
  return toApiTeam(db, { ...team, name: input.name, updated_at: now });
}

/** Deletes a team: its members and canned replies go, its conversations keep their assignee but no team. */
export async function deleteTeam(
  deps: AppDeps,
  input: { principal: Principal; teamId: string },
): Promise<void> {
  const team = await visibleTeam(deps.database.db, input.principal, input.teamId);
  const now = deps.clock.now();
  await withEvents(deps, async (trx) => {
    await trx.deleteFrom('team_members').where('team_id', '=', team.id).execute();
    await trx.deleteFrom('canned_replies').where('team_id', '=', team.id).execute();
    await trx
      .updateTable('conversations')
      .set({ team_id: null, updated_at: now })
      .where('team_id', '=', team.id)
      .execute();
    await trx.deleteFrom('teams').where('id', '=', team.id).execute();
    await teamChanged(trx, { principal: input.principal, teamId: team.id, action: 'deleted', at: now });
  });
}

export async function addTeamMember(
  deps: AppDeps,
  input: { principal: Principal; teamId: string; userId: string },
): Promise<ApiTeam> {
  const db = deps.database.db;
  const team = await visibleTeam(db, input.principal, input.teamId);
  await assertMayJoin(db, input.principal, team, input.userId);
  const now = deps.clock.now();
  await withEvents(deps, async (trx) => {
    if (await insertMember(trx, team.id, input.userId, now)) {
      await teamChanged(trx, {
        principal: input.principal,
        teamId: team.id,
        action: 'member_added',
        at: now,
      });
    }
  });
  return toApiTeam(db, team);
}

/** Takes a user out of a team (a no-op when they are not in it). */
export async function removeTeamMember(
  deps: AppDeps,
  input: { principal: Principal; teamId: string; userId: string },
): Promise<ApiTeam> {
  const db = deps.database.db;
  const team = await visibleTeam(db, input.principal, input.teamId);
  const now = deps.clock.now();
  await withEvents(deps, async (trx) => {
    const result = await trx
      .deleteFrom('team_members')
      .where('team_id', '=', team.id)
      .where('user_id', '=', input.userId)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) > 0) {
      await teamChanged(trx, {
        principal: input.principal,
        teamId: team.id,
        action: 'member_removed',
        at: now,
      });
    }
  });
  return toApiTeam(db, team);
}
