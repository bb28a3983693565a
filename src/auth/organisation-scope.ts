import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import { AppError } from '../platform/errors.ts';
import type { Principal, Role } from './principal.ts';

/*
 * Who acts in which organisation (the model is `organisations/`; this is the part every request
 * needs). A principal acts in one current organisation at a time, and its `wabaIds` are that
 * organisation's business accounts (or the user's share of them), so every scoped query keeps
 * working unchanged and nothing of another organisation is ever in scope.
 */

/** The organisation every hub starts with; a single-business install lives in it. */
export const DEFAULT_ORGANISATION_ID = 'org_default';

/** The organisation a principal acts in; principals made before organisations act in the default one. */
export function organisationOf(principal: Pick<Principal, 'organisationId'>): string {
  return principal.organisationId ?? DEFAULT_ORGANISATION_ID;
}

/** The business accounts an organisation owns, sorted. */
export async function organisationWabaIds(db: Kysely<DB>, organisationId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('wabas')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

/** A user's role in an organisation, or `undefined` when they are not a member. */
export async function membershipRole(
  db: Kysely<DB>,
  organisationId: string,
  user: { id: string; role: Role },
): Promise<Role | undefined> {
  return (await membershipsOf(db, user)).find((m) => m.organisation_id === organisationId)?.role;
}

/**
 * A user's memberships, oldest first (the first is where a new session starts). A user row without
 * any membership is one written before organisations (or straight into the table, as some tests
 * do): it belongs to the default organisation with its `users.role`. The hub never leaves a user
 * without a membership: removing the last one disables the account (`organisations/members.ts`).
 */
export async function membershipsOf(
  db: Kysely<DB>,
  user: { id: string; role: Role },
): Promise<{ organisation_id: string; role: Role }[]> {
  const rows = await db
    .selectFrom('organisation_members')
    .select(['organisation_id', 'role'])
    .where('user_id', '=', user.id)
    .orderBy('created_at')
    .orderBy('organisation_id')
    .execute();
  return rows.length > 0 ? rows : [{ organisation_id: DEFAULT_ORGANISATION_ID, role: user.role }];
}

export async function organisationExists(db: Kysely<DB>, organisationId: string): Promise<boolean> {
  const row = await db
    .selectFrom('organisations')
    .select('id')
    .where('id', '=', organisationId)
    .executeTakeFirst();
  return row !== undefined;
}

const RANK: readonly Role[] = ['owner', 'admin', 'supervisor', 'agent', 'auditor'];

/**
 * The role of a membership as it applies. `users.role` is the user's strongest role in any
 * organisation (kept so by every membership change): a user of one organisation has exactly it (so
 * a tool that changes `users.role` directly changes what they may do), and a user of several is
 * capped by it.
 */
function effectiveRole(membership: Role, user: Role, memberships: number): Role {
  if (memberships <= 1) return user;
  return RANK.indexOf(membership) >= RANK.indexOf(user) ? membership : user;
}

/**
 * Where a user acts and with which role: the requested organisation when they are a member (or the
 * provider administrator, who acts as an owner in any organisation), else their first membership.
 */
export async function resolveOrganisation(
  db: Kysely<DB>,
  user: { id: string; role: Role; provider_admin: number },
  requested: string | null | undefined,
): Promise<{ organisationId: string; role: Role }> {
  const memberships = await membershipsOf(db, user);
  if (requested) {
    const role = memberships.find((m) => m.organisation_id === requested)?.role;
    if (role) return { organisationId: requested, role: effectiveRole(role, user.role, memberships.length) };
    if (user.provider_admin === 1 && (await organisationExists(db, requested))) {
      return { organisationId: requested, role: 'owner' };
    }
  }
  const first = memberships[0]!;
  return {
    organisationId: first.organisation_id,
    role: effectiveRole(first.role, user.role, memberships.length),
  };
}

/**
 * Throws unless the principal may act on this business account or bring it into its organisation:
 * an account of its organisation must be in its scope; an account nobody has claimed yet (unknown,
 * or seen only in webhooks while several organisations exist) may be claimed by a principal that
 * sees all of its organisation or was given that very account; another organisation's never (and
 * the answer does not say whose it is).
 */
export async function assertWabaClaimable(
  db: Kysely<DB>,
  principal: Principal,
  wabaId: string,
): Promise<void> {
  const row = await db
    .selectFrom('wabas')
    .select('organisation_id')
    .where('id', '=', wabaId)
    .executeTakeFirst();
  const mine = organisationOf(principal);
  if (row && row.organisation_id !== null) {
    if (row.organisation_id !== mine) {
      throw new AppError('WABA_IN_OTHER_ORGANISATION');
    }
    if (principal.wabaIds !== null && !principal.wabaIds.includes(wabaId)) throw new AppError('NOT_FOUND');
    return;
  }
  if (principal.wabaIds === null || principal.orgWide === true || principal.wabaIds.includes(wabaId)) return;
  throw new AppError(
    'FORBIDDEN',
    'Only someone who sees all of the organisation can connect a new business account.',
  );
}

/**
 * Files the business account under the principal's organisation when nobody has it yet (call after
 * {@link assertWabaClaimable} and after Meta confirmed the account, in the transaction of the
 * registration). An account another organisation claimed meanwhile is left alone and refused.
 */
export async function claimWaba(
  trx: Kysely<DB>,
  principal: Principal,
  input: { wabaId: string; at: number },
): Promise<void> {
  const organisationId = organisationOf(principal);
  await trx
    .insertInto('wabas')
    .values({
      id: input.wabaId,
      name: null,
      owner_business_id: null,
      organisation_id: organisationId,
      state: 'active',
      last_lifecycle_at: null,
      created_at: input.at,
      updated_at: input.at,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  await trx
    .updateTable('wabas')
    .set({ organisation_id: organisationId, updated_at: input.at })
    .where('id', '=', input.wabaId)
    .where('organisation_id', 'is', null)
    .execute();
  const row = await trx
    .selectFrom('wabas')
    .select('organisation_id')
    .where('id', '=', input.wabaId)
    .executeTakeFirstOrThrow();
  if (row.organisation_id !== organisationId) {
    throw new AppError('WABA_IN_OTHER_ORGANISATION');
  }
}

/**
 * The organisation a business account first seen in a webhook goes to: the only one while there is
 * one (a single-business hub never claims anything), else none until a registration claims it.
 */
export async function organisationForNewWaba(db: Kysely<DB>): Promise<string | null> {
  const rows = await db.selectFrom('organisations').select('id').limit(2).execute();
  return rows.length === 1 ? rows[0]!.id : null;
}

/** Whether labels, teams and canned replies shared by every account apply to this account's conversations. */
export async function sharedRowsApplyToWaba(db: Kysely<DB>, wabaId: string): Promise<boolean> {
  if (await singleOrganisation(db)) return true;
  return (await wabaOrganisation(db, wabaId)) === DEFAULT_ORGANISATION_ID;
}

/** The organisation of a business account: `undefined` when unknown, `null` when unclaimed. */
export async function wabaOrganisation(db: Kysely<DB>, wabaId: string): Promise<string | null | undefined> {
  const row = await db
    .selectFrom('wabas')
    .select('organisation_id')
    .where('id', '=', wabaId)
    .executeTakeFirst();
  return row === undefined ? undefined : row.organisation_id;
}

/**
 * The organisations a user may act in, by name, with their role in each: their memberships, and for
 * the provider administrator every organisation (as an owner where they are not a member).
 */
export async function organisationsOfUser(
  db: Kysely<DB>,
  user: { id: string; role: Role; provider_admin: number },
): Promise<{ id: string; name: string; role: Role }[]> {
  const memberships = await membershipsOf(db, user);
  const roleIn = new Map(memberships.map((m) => [m.organisation_id, m.role]));
  let q = db.selectFrom('organisations').select(['id', 'name']);
  if (user.provider_admin !== 1) q = q.where('id', 'in', [...roleIn.keys()]);
  const rows = await q.orderBy('name').orderBy('id').execute();
  return rows.map((o) => ({ id: o.id, name: o.name, role: roleIn.get(o.id) ?? 'owner' }));
}

/** Whether the hub hosts one organisation only (a single-business install). */
export async function singleOrganisation(db: Kysely<DB>): Promise<boolean> {
  const rows = await db.selectFrom('organisations').select('id').limit(2).execute();
  return rows.length <= 1;
}

/**
 * Whether rows "for every number" (a rule, a welcome flow, a knowledge entry, a routing policy, a
 * label or webhook endpoint without a number or account) apply to this number, or to an event of
 * no number when `null`. Such rows are the default organisation's (`auth/scope.ts`): they apply to
 * its numbers only, and to everything while the hub hosts one organisation. A number of another
 * organisation, or of an account nobody has claimed, never gets them.
 */
export async function sharedRowsApplyTo(db: Kysely<DB>, phoneNumberId: string | null): Promise<boolean> {
  if (await singleOrganisation(db)) return true;
  if (phoneNumberId === null) return false;
  const row = await db
    .selectFrom('phone_numbers')
    .innerJoin('wabas', 'wabas.id', 'phone_numbers.waba_id')
    .select('wabas.organisation_id')
    .where('phone_numbers.id', '=', phoneNumberId)
    .executeTakeFirst();
  return row?.organisation_id === DEFAULT_ORGANISATION_ID;
}

/**
 * Which of these users may work for a business account: members of the organisation that owns it
 * (the default organisation's users include rows without any membership, see {@link membershipsOf}).
 * An unclaimed account has nobody.
 */
export async function membersForWaba(
  db: Kysely<DB>,
  wabaId: string,
  userIds: readonly string[],
): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const organisationId = await wabaOrganisation(db, wabaId);
  if (!organisationId) return new Set();
  const rows = await db
    .selectFrom('organisation_members')
    .select(['user_id', 'organisation_id'])
    .where('user_id', 'in', [...userIds])
    .execute();
  const withAny = new Set(rows.map((r) => r.user_id));
  const out = new Set(rows.filter((r) => r.organisation_id === organisationId).map((r) => r.user_id));
  if (organisationId === DEFAULT_ORGANISATION_ID) for (const id of userIds) if (!withAny.has(id)) out.add(id);
  return out;
}
