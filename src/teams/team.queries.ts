import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.ts';
import { assertScoped, canSeeScoped } from '../auth/scope.ts';
import type { DB } from '../database.ts';
import { AppError } from '../platform/errors.ts';
import { iso } from '../platform/time.ts';
import type { TeamTable } from './team.table.ts';

/** A team as the API returns it, with its members' ids (sorted). */
export type ApiTeam = {
  id: string;
  name: string;
  waba_id: string | null;
  member_ids: string[];
  created_at: string;
  updated_at: string;
};

export async function toApiTeams(db: Kysely<DB>, teams: readonly TeamTable[]): Promise<ApiTeam[]> {
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

/** One team in the API's shape. */
export async function toApiTeam(db: Kysely<DB>, team: TeamTable): Promise<ApiTeam> {
  const [out] = await toApiTeams(db, [team]);
  return out!;
}

/** A team the principal may see, or NOT_FOUND. */
export async function visibleTeam(db: Kysely<DB>, principal: Principal, id: string): Promise<TeamTable> {
  const team = await db.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
  if (!team) throw new AppError('NOT_FOUND', 'No such team.');
  assertScoped(principal, team.waba_id, 'team');
  return team;
}

/** The teams the principal may see, by name. */
export async function listTeams(db: Kysely<DB>, principal: Principal): Promise<ApiTeam[]> {
  const teams = (await db.selectFrom('teams').selectAll().orderBy('name').orderBy('id').execute()).filter(
    (t) => canSeeScoped(principal, t.waba_id),
  );
  return toApiTeams(db, teams);
}
