import type { Kysely } from 'kysely';
import {
  DEFAULT_ORGANISATION_ID,
  membershipsOf,
  organisationWabaIds,
  resolveOrganisation,
  singleOrganisation,
} from '../auth/organisation-scope.ts';
import type { Principal, Role } from '../auth/principal.ts';
import type { DB } from '../database.ts';
import { inTransaction } from '../platform/db/in-transaction.ts';
import { newId } from '../platform/ids.ts';
import type { Settings } from '../settings/settings.ts';
import type { UserRow } from './user.table.ts';

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Owners and admins must use MFA; everyone else only when the owner requires it for all. */
export function mfaRequiredFor(role: Role, settings: Settings): boolean {
  return role === 'owner' || role === 'admin' || settings.requireMfaForAll;
}

export async function findUserByEmail(db: Kysely<DB>, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', normaliseEmail(email)).executeTakeFirst();
}

export async function findUser(db: Kysely<DB>, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function userWabaIds(db: Kysely<DB>, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('user_wabas').select('waba_id').where('user_id', '=', userId).execute();
  return rows.map((r) => r.waba_id).sort();
}

/**
 * The business accounts a user may see in one organisation: all of the organisation's when they
 * are an owner there or not restricted (`all_wabas`), else their `user_wabas` among them.
 */
export async function wabaScopeIn(
  db: Kysely<DB>,
  user: Pick<UserRow, 'id' | 'all_wabas'>,
  organisationId: string,
  role: Role,
): Promise<string[]> {
  const owned = await organisationWabaIds(db, organisationId);
  if (role === 'owner' || user.all_wabas === 1) return owned;
  const own = new Set(await userWabaIds(db, user.id));
  return owned.filter((id) => own.has(id));
}

/**
 * The business accounts a user may see across all their organisations (whether they can be given
 * a conversation of one, join a team of one): never another organisation's.
 */
export async function wabaScopeOf(db: Kysely<DB>, user: UserRow): Promise<string[]> {
  const out = new Set<string>();
  for (const m of await membershipsOf(db, user)) {
    for (const id of await wabaScopeIn(db, user, m.organisation_id, m.role)) out.add(id);
  }
  return [...out].sort();
}

/**
 * The principal of a user acting in `organisationId` (a session's current organisation; their
 * first one when absent or no longer theirs): the role is their membership's role there and the
 * business accounts are that organisation's (see `auth/organisation-scope.ts`).
 */
export async function principalForUser(
  db: Kysely<DB>,
  user: UserRow,
  organisationId?: string | null,
): Promise<Principal> {
  const where = await resolveOrganisation(db, user, organisationId);
  const orgWide = where.role === 'owner' || user.all_wabas === 1;
  // While the hub hosts one organisation, all of it is all of the hub: `null`, as before
  // organisations, so a single-business install behaves exactly as it did.
  const everything = orgWide && (await singleOrganisation(db));
  return {
    kind: 'user',
    id: user.id,
    userId: user.id,
    role: where.role,
    wabaIds: everything ? null : await wabaScopeIn(db, user, where.organisationId, where.role),
    organisationId: where.organisationId,
    orgWide,
    hubWide: everything || user.provider_admin === 1,
    ...(user.provider_admin === 1 ? { providerAdmin: true } : {}),
  };
}

export async function insertUser(
  db: Kysely<DB>,
  input: {
    email: string;
    name: string;
    role: Role;
    passwordHash: string;
    wabaIds: readonly string[] | null;
    now: number;
    /** The organisation the user joins with `role`; the default one unless told. */
    organisationId?: string;
    /** Makes the user the provider administrator (the hub's first owner). */
    providerAdmin?: boolean;
  },
): Promise<UserRow> {
  const id = newId();
  const row: UserRow = {
    id,
    email: normaliseEmail(input.email),
    name: input.name,
    role: input.role,
    password_hash: input.passwordHash,
    all_wabas: input.wabaIds === null || input.role === 'owner' ? 1 : 0,
    mfa_secret: null,
    mfa_pending_secret: null,
    mfa_enabled_at: null,
    mfa_last_step: null,
    presence: 'offline',
    presence_at: null,
    last_login_at: null,
    disabled_at: null,
    language: null,
    provider_admin: input.providerAdmin ? 1 : 0,
    created_at: input.now,
    updated_at: input.now,
  };
  await inTransaction(db, async (trx) => {
    await trx.insertInto('users').values(row).execute();
    await trx
      .insertInto('organisation_members')
      .values({
        organisation_id: input.organisationId ?? DEFAULT_ORGANISATION_ID,
        user_id: id,
        role: input.role,
        created_at: input.now,
        updated_at: input.now,
      })
      .execute();
    if (row.all_wabas === 0 && input.wabaIds && input.wabaIds.length > 0) {
      await trx
        .insertInto('user_wabas')
        .values([...new Set(input.wabaIds)].map((waba_id) => ({ user_id: id, waba_id })))
        .execute();
    }
  });
  return row;
}

export async function setUserWabas(
  db: Kysely<DB>,
  userId: string,
  wabaIds: readonly string[] | null,
  now: number,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    await trx.deleteFrom('user_wabas').where('user_id', '=', userId).execute();
    await trx
      .updateTable('users')
      .set({ all_wabas: wabaIds === null ? 1 : 0, updated_at: now })
      .where('id', '=', userId)
      .execute();
    if (wabaIds && wabaIds.length > 0) {
      await trx
        .insertInto('user_wabas')
        .values([...new Set(wabaIds)].map((waba_id) => ({ user_id: userId, waba_id })))
        .execute();
    }
  });
}

export async function countUsers(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Whether two business-account scopes overlap (`null` = every account). */
export function scopesOverlap(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === null || b === null) return true;
  return a.some((w) => b.includes(w));
}

/** Whether scope `inner` lies inside scope `outer` (`null` = every account). */
export function scopeWithin(inner: readonly string[] | null, outer: readonly string[] | null): boolean {
  if (outer === null) return true;
  if (inner === null) return false;
  return inner.every((w) => outer.includes(w));
}

/** Roles from most to least power, for {@link syncUserRole}. */
const RANK: readonly Role[] = ['owner', 'admin', 'supervisor', 'agent', 'auditor'];

/**
 * Keeps `users.role` the user's strongest role in any organisation: what decides whether their
 * account must use a second factor (an owner or admin anywhere must).
 */
export async function syncUserRole(db: Kysely<DB>, userId: string, now: number): Promise<void> {
  const roles = (
    await db.selectFrom('organisation_members').select('role').where('user_id', '=', userId).execute()
  ).map((m) => m.role);
  if (roles.length === 0) return;
  const strongest = RANK.find((r) => roles.includes(r)) ?? 'auditor';
  await db.updateTable('users').set({ role: strongest, updated_at: now }).where('id', '=', userId).execute();
}
