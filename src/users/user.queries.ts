import type { Kysely } from 'kysely';
import { DEFAULT_ORGANISATION_ID, organisationOf } from '../auth/organisation-scope.ts';
import type { Principal } from '../auth/principal.ts';
import type { DB } from '../database.ts';
import type { UserRow } from './user.table.ts';

/**
 * The members of an organisation, each with `role` set to their role there (a user's role is
 * their membership's). User rows without any membership (written before organisations) are the
 * default organisation's.
 */
export async function organisationMembers(db: Kysely<DB>, organisationId: string): Promise<UserRow[]> {
  const rows = await db
    .selectFrom('users')
    .leftJoin('organisation_members as m', (join) =>
      join.onRef('m.user_id', '=', 'users.id').on('m.organisation_id', '=', organisationId),
    )
    .selectAll('users')
    .select('m.role as member_role')
    .where((eb) =>
      organisationId === DEFAULT_ORGANISATION_ID
        ? eb.or([
            eb('m.user_id', 'is not', null),
            eb.not(
              eb.exists(
                eb
                  .selectFrom('organisation_members as any_m')
                  .select('any_m.user_id')
                  .whereRef('any_m.user_id', '=', 'users.id'),
              ),
            ),
          ])
        : eb('m.user_id', 'is not', null),
    )
    .orderBy('users.name')
    .orderBy('users.id')
    .execute();
  return rows.map(({ member_role, ...user }) => ({ ...user, role: member_role ?? user.role }));
}

/**
 * Users a principal may see: members of its organisation who share a business account with it,
 * and the organisation's org-wide members (owners, users not restricted to some accounts).
 */
export async function visibleUsers(db: Kysely<DB>, principal: Principal): Promise<UserRow[]> {
  const members = await organisationMembers(db, organisationOf(principal));
  const scope = principal.wabaIds;
  if (scope === null || principal.orgWide === true) return members;
  const restricted = members.filter((u) => u.role !== 'owner' && u.all_wabas !== 1).map((u) => u.id);
  const sharing =
    restricted.length === 0 || scope.length === 0
      ? new Set<string>()
      : new Set(
          (
            await db
              .selectFrom('user_wabas')
              .select('user_id')
              .where('user_id', 'in', restricted)
              .where('waba_id', 'in', [...scope])
              .execute()
          ).map((r) => r.user_id),
        );
  return members.filter((u) => u.role === 'owner' || u.all_wabas === 1 || sharing.has(u.id));
}

/** A member of the principal's organisation (with their role there), or `undefined`. */
export async function findMember(
  db: Kysely<DB>,
  principal: Principal,
  userId: string,
): Promise<UserRow | undefined> {
  return (await organisationMembers(db, organisationOf(principal))).find((u) => u.id === userId);
}

/** The number of an organisation's owners who can still sign in. */
export async function countActiveOwners(db: Kysely<DB>, organisationId: string): Promise<number> {
  return (await organisationMembers(db, organisationId)).filter(
    (u) => u.role === 'owner' && u.disabled_at === null,
  ).length;
}
