import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.ts';
import type { DB } from '../database.ts';
import type { UserRow } from './user.table.ts';

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

/** The number of owners who can still sign in. */
export async function countActiveOwners(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'owner')
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
