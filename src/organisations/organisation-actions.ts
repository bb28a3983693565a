import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { organisationOf } from '../auth/organisation-scope.ts';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyDecoy, verifyPassword } from '../auth/passwords.ts';
import type { Principal, Role } from '../auth/principal.ts';
import type { DB } from '../database.ts';
import { inTransaction } from '../platform/db/in-transaction.ts';
import { AppError } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import { iso, isoOrNull } from '../platform/time.ts';
import { type RequestOrigin, recordSecurityEvent } from '../security/security-log.ts';
import { organisationMembers } from '../users/user.queries.ts';
import { findUserByEmail, insertUser, normaliseEmail, syncUserRole } from '../users/users.repository.ts';
import type { OrganisationInvitationRow, OrganisationRow } from './organisation.table.ts';
import type {
  AcceptInvitationResponse,
  CreatedInvitation,
  Invitation,
  InvitationLookup,
  Organisation,
  OrganisationMember,
} from './organisations.schemas.ts';

/*
 * Organisations (a business each) on one hub: the provider administrator creates them and invites
 * their owners; an organisation's owners and admins invite its members. An invitation is a link
 * whose token only the invitee sees (its SHA-256 is stored); accepting it sets a password (or, for
 * an existing account, asks for its current one) and adds the membership. Signing in, and the
 * second factor an owner must enrol, are the ordinary login's.
 */

/** How long an invitation link stays valid. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60_000;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

async function toApiOrganisations(
  db: Kysely<DB>,
  rows: readonly OrganisationRow[],
  principal: Principal,
  roles: ReadonlyMap<string, Role>,
): Promise<Organisation[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((o) => o.id);
  const [wabas, members] = await Promise.all([
    db.selectFrom('wabas').select(['id', 'organisation_id']).where('organisation_id', 'in', ids).execute(),
    db
      .selectFrom('organisation_members')
      .select(['organisation_id'])
      .where('organisation_id', 'in', ids)
      .execute(),
  ]);
  const current = organisationOf(principal);
  return rows.map((o) => ({
    id: o.id,
    name: o.name,
    role: roles.get(o.id) ?? null,
    current: o.id === current,
    waba_ids: wabas
      .filter((w) => w.organisation_id === o.id)
      .map((w) => w.id)
      .sort(),
    member_count: members.filter((m) => m.organisation_id === o.id).length,
    created_at: iso(o.created_at),
  }));
}

/**
 * The organisations the principal may act in: a user's memberships (every organisation for the
 * provider administrator), a token's own one.
 */
export async function listOrganisations(deps: AppDeps, principal: Principal): Promise<Organisation[]> {
  const db = deps.database.db;
  const roles = new Map<string, Role>();
  let q = db.selectFrom('organisations').selectAll();
  if (principal.userId && principal.kind === 'user') {
    const memberships = await db
      .selectFrom('organisation_members')
      .select(['organisation_id', 'role'])
      .where('user_id', '=', principal.userId)
      .execute();
    for (const m of memberships) roles.set(m.organisation_id, m.role);
    // A user row without memberships is the default organisation's (see organisation-scope.ts).
    if (memberships.length === 0) roles.set(organisationOf(principal), principal.role);
    if (principal.providerAdmin !== true) q = q.where('id', 'in', [...roles.keys()]);
  } else {
    roles.set(organisationOf(principal), principal.role);
    q = q.where('id', '=', organisationOf(principal));
  }
  const rows = await q.orderBy('name').orderBy('id').execute();
  return toApiOrganisations(db, rows, principal, roles);
}

async function findOrganisation(db: Kysely<DB>, id: string): Promise<OrganisationRow> {
  const row = await db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', 'No such organisation.');
  return row;
}

function invitationState(row: OrganisationInvitationRow, now: number): Invitation['state'] {
  if (row.accepted_at !== null) return 'accepted';
  if (row.revoked_at !== null) return 'revoked';
  return now >= row.expires_at ? 'expired' : 'pending';
}

function toApiInvitation(row: OrganisationInvitationRow, now: number): Invitation {
  return {
    id: row.id,
    organisation_id: row.organisation_id,
    email: row.email,
    role: row.role,
    state: invitationState(row, now),
    created_at: iso(row.created_at),
    expires_at: iso(row.expires_at),
    accepted_at: isoOrNull(row.accepted_at),
  };
}

/** Creates an organisation (provider administrator), and invites its first owner when told. */
export async function createOrganisation(
  deps: AppDeps,
  input: { principal: Principal; name: string; ownerEmail?: string | undefined; origin?: RequestOrigin },
): Promise<{ organisation: Organisation; invitation: CreatedInvitation | null }> {
  const db = deps.database.db;
  const now = deps.clock.now();
  const id = newId();
  await db
    .insertInto('organisations')
    .values({ id, name: input.name, created_by: input.principal.userId, created_at: now, updated_at: now })
    .execute();
  await recordSecurityEvent(db, {
    kind: 'organisation.created',
    actor: input.principal,
    origin: input.origin ?? null,
    details: { organisation_id: id },
    at: now,
  });
  const invitation = input.ownerEmail
    ? await createInvitation(deps, {
        principal: input.principal,
        organisationId: id,
        email: input.ownerEmail,
        role: 'owner',
        ...(input.origin ? { origin: input.origin } : {}),
      })
    : null;
  const [organisation] = await toApiOrganisations(
    db,
    [await findOrganisation(db, id)],
    input.principal,
    new Map(),
  );
  return { organisation: organisation!, invitation };
}

/**
 * Invites someone into an organisation with a role. The provider administrator invites into any
 * organisation; an organisation's owners and admins only into their current one, and only owners
 * invite owners.
 */
export async function createInvitation(
  deps: AppDeps,
  input: {
    principal: Principal;
    organisationId: string;
    email: string;
    role: Role;
    origin?: RequestOrigin;
  },
): Promise<CreatedInvitation> {
  const db = deps.database.db;
  const { principal } = input;
  const own = input.organisationId === organisationOf(principal);
  if (!own && principal.providerAdmin !== true) throw new AppError('NOT_FOUND', 'No such organisation.');
  await findOrganisation(db, input.organisationId);
  if (own && principal.providerAdmin !== true && input.role === 'owner' && principal.role !== 'owner') {
    throw new AppError('FORBIDDEN', 'Only an owner can invite owners.');
  }
  const email = normaliseEmail(input.email);
  const existing = await findUserByEmail(db, email);
  if (existing) {
    const member = (await organisationMembers(db, input.organisationId)).some((u) => u.id === existing.id);
    if (member) throw new AppError('CONFLICT', 'This person is a member already.');
  }
  const token = `inv_${randomBytes(32).toString('base64url')}`;
  const now = deps.clock.now();
  const row: OrganisationInvitationRow = {
    id: newId(),
    organisation_id: input.organisationId,
    email,
    role: input.role,
    token_hash: hashToken(token),
    created_by: principal.userId,
    created_at: now,
    expires_at: now + INVITATION_TTL_MS,
    accepted_at: null,
    accepted_user_id: null,
    revoked_at: null,
  };
  await db.insertInto('organisation_invitations').values(row).execute();
  await recordSecurityEvent(db, {
    kind: 'invitation.created',
    actor: principal,
    targetUserId: existing?.id ?? null,
    email,
    origin: input.origin ?? null,
    details: { organisation_id: input.organisationId, invitation_id: row.id, role: input.role },
    at: now,
  });
  const base = (deps.config.publicUrl ?? '').replace(/\/+$/, '');
  // The token travels in the fragment: browsers never send it to a server or in a Referer.
  return { ...toApiInvitation(row, now), token, url: `${base}/invite#${token}` };
}

/** An organisation's invitations, newest first. */
export async function listInvitations(
  deps: AppDeps,
  input: { principal: Principal; organisationId: string },
): Promise<Invitation[]> {
  const { principal } = input;
  if (input.organisationId !== organisationOf(principal) && principal.providerAdmin !== true) {
    throw new AppError('NOT_FOUND', 'No such organisation.');
  }
  await findOrganisation(deps.database.db, input.organisationId);
  const rows = await deps.database.db
    .selectFrom('organisation_invitations')
    .selectAll()
    .where('organisation_id', '=', input.organisationId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(500)
    .execute();
  const now = deps.clock.now();
  return rows.map((r) => toApiInvitation(r, now));
}

/** Revokes a pending invitation of the principal's organisation (or any, for the provider administrator). */
export async function revokeInvitation(
  deps: AppDeps,
  input: { principal: Principal; invitationId: string; origin?: RequestOrigin },
): Promise<void> {
  const db = deps.database.db;
  const row = await db
    .selectFrom('organisation_invitations')
    .selectAll()
    .where('id', '=', input.invitationId)
    .executeTakeFirst();
  if (
    !row ||
    (row.organisation_id !== organisationOf(input.principal) && input.principal.providerAdmin !== true)
  ) {
    throw new AppError('NOT_FOUND', 'No such invitation.');
  }
  if (row.role === 'owner' && input.principal.role !== 'owner' && input.principal.providerAdmin !== true) {
    throw new AppError('FORBIDDEN', 'Only an owner can revoke an owner invitation.');
  }
  const now = deps.clock.now();
  await db
    .updateTable('organisation_invitations')
    .set({ revoked_at: now })
    .where('id', '=', row.id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
  await recordSecurityEvent(db, {
    kind: 'invitation.revoked',
    actor: input.principal,
    email: row.email,
    origin: input.origin ?? null,
    details: { organisation_id: row.organisation_id, invitation_id: row.id },
    at: now,
  });
}

/** The members of an organisation with their roles there (provider administrator). */
export async function listMembers(db: Kysely<DB>, organisationId: string): Promise<OrganisationMember[]> {
  await findOrganisation(db, organisationId);
  return (await organisationMembers(db, organisationId)).map((u) => ({
    user_id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    disabled: u.disabled_at !== null,
  }));
}

/** A usable invitation by its token, or INVITATION_INVALID (unknown, used, revoked, expired alike). */
async function usableInvitation(db: Kysely<DB>, token: string, now: number) {
  const row = await db
    .selectFrom('organisation_invitations')
    .selectAll()
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || invitationState(row, now) !== 'pending') throw new AppError('INVITATION_INVALID');
  return row;
}

/** What an invitation link says (public: the token is the credential). */
export async function lookupInvitation(deps: AppDeps, token: string): Promise<InvitationLookup> {
  const db = deps.database.db;
  const row = await usableInvitation(db, token, deps.clock.now());
  const organisation = await findOrganisation(db, row.organisation_id);
  return {
    organisation_name: organisation.name,
    email: row.email,
    role: row.role,
    expires_at: iso(row.expires_at),
    existing_account: (await findUserByEmail(db, row.email)) !== undefined,
  };
}

/**
 * Accepts an invitation (public: the token is the credential). A new account is created with the
 * password given; an existing account must give its current password, and a disabled one cannot
 * join. The invitation is used once, whoever wins a race.
 */
export async function acceptInvitation(
  deps: AppDeps,
  input: { token: string; name?: string | undefined; password: string; origin?: RequestOrigin },
): Promise<AcceptInvitationResponse> {
  const db = deps.database.db;
  const now = deps.clock.now();
  const invitation = await usableInvitation(db, input.token, now);
  const organisation = await findOrganisation(db, invitation.organisation_id);
  const existing = await findUserByEmail(db, invitation.email);
  let userId: string;
  if (existing) {
    const ok =
      existing.disabled_at === null && (await verifyPassword(existing.password_hash, input.password));
    if (!ok) throw new AppError('PASSWORD_INCORRECT', "Give this account's current password to join.");
    userId = existing.id;
  } else {
    await verifyDecoy(input.password);
    if (input.password.length < MIN_PASSWORD_LENGTH) {
      throw new AppError(
        'VALIDATION_FAILED',
        `The password needs at least ${MIN_PASSWORD_LENGTH} characters.`,
      );
    }
    if (!input.name) throw new AppError('VALIDATION_FAILED', 'Give your name.');
    userId = '';
  }
  const passwordHash = existing ? null : await hashPassword(input.password);
  await inTransaction(db, async (trx) => {
    const used = await trx
      .updateTable('organisation_invitations')
      .set({ accepted_at: now })
      .where('id', '=', invitation.id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) === 0) throw new AppError('INVITATION_INVALID');
    if (!existing) {
      const user = await insertUser(trx, {
        email: invitation.email,
        name: input.name!,
        role: invitation.role,
        passwordHash: passwordHash!,
        wabaIds: null,
        now,
        organisationId: invitation.organisation_id,
      });
      userId = user.id;
    } else {
      await trx
        .insertInto('organisation_members')
        .values({
          organisation_id: invitation.organisation_id,
          user_id: userId,
          role: invitation.role,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.columns(['organisation_id', 'user_id']).doNothing())
        .execute();
      await syncUserRole(trx, userId, now);
    }
    await trx
      .updateTable('organisation_invitations')
      .set({ accepted_user_id: userId })
      .where('id', '=', invitation.id)
      .execute();
  });
  await recordSecurityEvent(db, {
    kind: 'invitation.accepted',
    actor: { kind: 'user', id: userId, userId },
    targetUserId: userId,
    email: invitation.email,
    origin: input.origin ?? null,
    details: {
      organisation_id: invitation.organisation_id,
      invitation_id: invitation.id,
      role: invitation.role,
      created_account: !existing,
    },
    at: now,
  });
  return {
    email: invitation.email,
    organisation: { id: organisation.id, name: organisation.name, role: invitation.role },
    created_account: !existing,
  };
}
