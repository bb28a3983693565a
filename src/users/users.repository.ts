import type { Kysely } from 'kysely';
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

/** The business accounts a user may see: `null` = every one. */
export async function wabaScopeOf(db: Kysely<DB>, user: UserRow): Promise<string[] | null> {
  if (user.role === 'owner' || user.all_wabas === 1) return null;
  return userWabaIds(db, user.id);
}

export async function principalForUser(db: Kysely<DB>, user: UserRow): Promise<Principal> {
  return {
    kind: 'user',
    id: user.id,
    userId: user.id,
    role: user.role,
    wabaIds: await wabaScopeOf(db, user),
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
    created_at: input.now,
    updated_at: input.now,
  };
  await inTransaction(db, async (trx) => {
    await trx.insertInto('users').values(row).execute();
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
