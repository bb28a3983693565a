import type { Kysely } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../auth/actor.ts';
import { disableMfa } from '../auth/mfa.ts';
import { organisationOf } from '../auth/organisation-scope.ts';
import { generatePassword, hashPassword } from '../auth/passwords.ts';
import type { Principal, Role } from '../auth/principal.ts';
import { confirmOwnSecrets, type OwnSecrets } from '../auth/reauthenticate.ts';
import { revokeUserSessions } from '../auth/sessions.ts';
import type { DB } from '../database.ts';
import { masterKeyringOf } from '../platform/crypto/keyring.ts';
import { AppError } from '../platform/errors.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { withEvents } from '../platform/events/with-events.ts';
import { type RequestOrigin, recordSecurityEvent, type SecurityEventKind } from '../security/security-log.ts';
import { type ApiUser, toApiUsers } from './user.mapper.ts';
import { countActiveOwners, findMember, visibleUsers } from './user.queries.ts';
import type { UserRow } from './user.table.ts';
import {
  findUser,
  findUserByEmail,
  insertUser,
  scopeWithin,
  setUserWabas,
  syncUserRole,
  wabaScopeIn,
} from './users.repository.ts';

/** The organisations a user is a member of (more than one: their account is not one organisation's alone). */
async function organisationCount(db: Kysely<DB>, userId: string): Promise<number> {
  const rows = await db
    .selectFrom('organisation_members')
    .select('organisation_id')
    .where('user_id', '=', userId)
    .execute();
  return rows.length;
}

/*
 * What an owner or admin does with users (auth/policy.ts `users`). Each action records
 * `user.changed` with the action and who did it, in the transaction of the change.
 */

type UserAction = 'created' | 'updated' | 'disabled' | 'enabled' | 'deleted';

async function userChanged(
  trx: Kysely<DB>,
  input: { principal: Principal; userId: string; action: UserAction; at: number },
): Promise<void> {
  await recordEvent(
    trx,
    {
      type: 'user.changed',
      phoneNumberId: null,
      payload: { user_id: input.userId, action: input.action, actor: actorOf(input.principal) },
    },
    input.at,
  );
}

/**
 * The target of a user-management action: it must exist, and its business accounts must lie inside
 * the caller's (a restricted admin cannot touch an org-wide user). Only an owner manages owners.
 */
async function manageableUser(db: Kysely<DB>, principal: Principal, id: string): Promise<UserRow> {
  // Only a member of the caller's organisation, with their role there.
  const user = await findMember(db, principal, id);
  if (!user) throw new AppError('NOT_FOUND', 'No such user.');
  const scope = await wabaScopeIn(db, user, organisationOf(principal), user.role);
  if (!principal.orgWide && !scopeWithin(scope, principal.wabaIds)) {
    const visible = (await visibleUsers(db, principal)).some((u) => u.id === id);
    throw visible ? new AppError('FORBIDDEN') : new AppError('NOT_FOUND', 'No such user.');
  }
  if (user.role === 'owner' && principal.role !== 'owner') {
    throw new AppError('FORBIDDEN', 'Only an owner can manage owners.');
  }
  return user;
}

function checkGrantedScope(principal: Principal, requested: readonly string[] | null): void {
  // `null` = every account of the organisation: only for who sees all of it.
  if (
    requested === null
      ? principal.orgWide !== true && principal.wabaIds !== null
      : !scopeWithin(requested, principal.wabaIds)
  ) {
    throw new AppError('FORBIDDEN', 'You cannot grant access to business accounts you do not have.');
  }
}

/** Logs user administration in the security log (facts only: ids, roles, what changed). */
async function logAdministration(
  db: Kysely<DB>,
  input: {
    principal: Principal;
    user: Pick<UserRow, 'id' | 'email'>;
    kinds: readonly [SecurityEventKind, Record<string, unknown>][];
    origin: RequestOrigin | undefined;
    at: number;
  },
): Promise<void> {
  for (const [kind, details] of input.kinds) {
    await recordSecurityEvent(db, {
      kind,
      actor: input.principal,
      targetUserId: input.user.id,
      email: input.user.email,
      origin: input.origin ?? null,
      details,
      at: input.at,
    });
  }
}

async function apiUser(db: Kysely<DB>, user: UserRow, now: number): Promise<ApiUser> {
  const [out] = await toApiUsers(db, [user], now);
  return out!;
}

/**
 * Creates a user. Without `wabaIds` the user gets the creator's business accounts; without a
 * `password` one is generated and returned (the only time it is shown).
 */
export async function createUser(
  deps: AppDeps,
  input: {
    principal: Principal;
    email: string;
    name: string;
    role: Role;
    password?: string | undefined;
    wabaIds?: readonly string[] | null | undefined;
    /** Where the request came from, for the security log. */
    origin?: RequestOrigin;
  },
): Promise<{ user: ApiUser; password?: string }> {
  const db = deps.database.db;
  const { principal } = input;
  if (input.role === 'owner' && principal.role !== 'owner') {
    throw new AppError('FORBIDDEN', 'Only an owner can create owners.');
  }
  const scope =
    input.role === 'owner'
      ? null
      : input.wabaIds === undefined
        ? principal.orgWide
          ? null
          : (principal.wabaIds ?? null)
        : input.wabaIds;
  checkGrantedScope(principal, scope);
  // Someone with an account already (in this organisation or another) joins by invitation
  // (`POST /api/invitations`), accepted with their own password.
  if (await findUserByEmail(db, input.email))
    throw new AppError('CONFLICT', 'A user with this email exists: invite them instead.');
  const password = input.password ?? generatePassword();
  const passwordHash = await hashPassword(password);
  const now = deps.clock.now();
  const user = await withEvents(deps, async (trx) => {
    const row = await insertUser(trx, {
      email: input.email,
      name: input.name,
      role: input.role,
      passwordHash,
      wabaIds: scope === null ? null : [...scope],
      now,
      organisationId: organisationOf(principal),
    });
    await userChanged(trx, { principal, userId: row.id, action: 'created', at: now });
    return row;
  });
  await logAdministration(db, {
    principal,
    user,
    kinds: [['user.created', { role: input.role, waba_ids: scope === null ? null : [...scope] }]],
    origin: input.origin,
    at: now,
  });
  return { user: await apiUser(db, user, now), ...(input.password === undefined ? { password } : {}) };
}

export type UserChanges = {
  name?: string | undefined;
  role?: Role | undefined;
  password?: string | undefined;
  /** `null` = every business account. */
  wabaIds?: readonly string[] | null | undefined;
  disabled?: boolean | undefined;
  /** Turns the user's second factor off (they enrol again at next sign-in if it is required). */
  resetMfa?: boolean | undefined;
};

/**
 * Changes a user. The last active owner cannot be demoted or disabled, nobody disables themselves,
 * and a new password, role, disabling or MFA reset signs the user out everywhere. Changing one's
 * own password needs `confirm.secrets.password` (the current one), and resetting one's own MFA also
 * a current code, exactly as the own-account routes do (`confirmOwnSecrets`).
 */
export async function updateUser(
  deps: AppDeps,
  input: {
    principal: Principal;
    userId: string;
    changes: UserChanges;
    /** What the caller typed to confirm a change to their own credentials, and their client IP. */
    confirm?: { ip: string; secrets: OwnSecrets };
    /** Where the request came from, for the security log. */
    origin?: RequestOrigin;
  },
): Promise<ApiUser> {
  const db = deps.database.db;
  const { principal, changes } = input;
  const now = deps.clock.now();
  const user = await manageableUser(db, principal, input.userId);
  if (changes.role === 'owner' && principal.role !== 'owner') {
    throw new AppError('FORBIDDEN', 'Only an owner can make owners.');
  }
  const organisationId = organisationOf(principal);
  const demotesOwner =
    user.role === 'owner' && ((changes.role && changes.role !== 'owner') || changes.disabled === true);
  if (demotesOwner && (await countActiveOwners(db, organisationId)) <= 1) {
    throw new AppError('CONFLICT', 'The last owner cannot be demoted or disabled.');
  }
  // A user of several organisations has one account: only they themselves or the provider
  // administrator change its credentials, name, state or accounts; each organisation sets the role.
  const accountLevel =
    changes.name !== undefined ||
    changes.password !== undefined ||
    changes.disabled !== undefined ||
    changes.resetMfa === true ||
    changes.wabaIds !== undefined;
  if (
    accountLevel &&
    user.id !== principal.userId &&
    principal.providerAdmin !== true &&
    (await organisationCount(db, user.id)) > 1
  ) {
    throw new AppError(
      'FORBIDDEN',
      'This user belongs to other organisations too: only their role can be changed here.',
    );
  }
  if (user.id === principal.userId && changes.disabled === true) {
    throw new AppError('CONFLICT', 'You cannot disable yourself.');
  }
  if (changes.wabaIds !== undefined) checkGrantedScope(principal, changes.wabaIds);
  if (user.id === principal.userId && (changes.password !== undefined || changes.resetMfa)) {
    await confirmOwnSecrets(db, {
      user,
      ip: input.confirm?.ip ?? 'local',
      now,
      secrets: input.confirm?.secrets ?? {},
      need: { password: true, code: changes.resetMfa === true },
      keyring: masterKeyringOf(deps.config),
    });
  }
  const passwordHash = changes.password !== undefined ? await hashPassword(changes.password) : undefined;
  const action: UserAction =
    changes.disabled === true && user.disabled_at === null
      ? 'disabled'
      : changes.disabled === false && user.disabled_at !== null
        ? 'enabled'
        : 'updated';
  await withEvents(deps, async (trx) => {
    await trx
      .updateTable('users')
      .set({
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(passwordHash !== undefined ? { password_hash: passwordHash } : {}),
        ...(changes.disabled !== undefined ? { disabled_at: changes.disabled ? now : null } : {}),
        updated_at: now,
      })
      .where('id', '=', user.id)
      .execute();
    if (changes.disabled === true) {
      // A disabled user's tokens end for good: enabling the user again does not bring them back.
      await trx
        .updateTable('api_tokens')
        .set({ revoked_at: now })
        .where('user_id', '=', user.id)
        .where('revoked_at', 'is', null)
        .execute();
    }
    if (changes.role !== undefined) {
      // The role is the membership's, in the caller's organisation.
      await trx
        .insertInto('organisation_members')
        .values({
          organisation_id: organisationId,
          user_id: user.id,
          role: changes.role,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.columns(['organisation_id', 'user_id']).doUpdateSet({ role: changes.role!, updated_at: now }),
        )
        .execute();
      await syncUserRole(trx, user.id, now);
    }
    if (changes.wabaIds !== undefined || changes.role === 'owner') {
      await setUserWabas(trx, user.id, changes.role === 'owner' ? null : (changes.wabaIds ?? null), now);
    }
    await userChanged(trx, { principal, userId: user.id, action, at: now });
  });
  if (changes.resetMfa) await disableMfa(db, user.id, now);
  const self = user.id === principal.userId;
  const logged: [SecurityEventKind, Record<string, unknown>][] = [];
  if (action === 'disabled' || action === 'enabled') logged.push([`user.${action}`, {}]);
  if (changes.role !== undefined && changes.role !== user.role) {
    logged.push(['user.role_changed', { role: { from: user.role, to: changes.role } }]);
  }
  if (changes.password !== undefined) logged.push([self ? 'password.changed' : 'password.reset', {}]);
  if (changes.resetMfa) logged.push([self ? 'mfa.disabled' : 'mfa.reset', {}]);
  if (changes.name !== undefined || changes.wabaIds !== undefined) {
    logged.push([
      'user.updated',
      {
        fields: [
          ...(changes.name !== undefined ? ['name'] : []),
          ...(changes.wabaIds !== undefined ? ['waba_ids'] : []),
        ],
        ...(changes.wabaIds !== undefined
          ? { waba_ids: changes.wabaIds === null ? null : [...changes.wabaIds] }
          : {}),
      },
    ]);
  }
  await logAdministration(db, { principal, user, kinds: logged, origin: input.origin, at: now });
  if (
    changes.password !== undefined ||
    changes.disabled === true ||
    changes.resetMfa ||
    changes.role !== undefined
  ) {
    await revokeUserSessions(db, user.id, now);
    deps.signals.emit('credentials');
  }
  return apiUser(db, (await findUser(db, user.id))!, now);
}

/**
 * Deletes a user, which disables them: their name stays on the messages and notes they wrote. They
 * leave their teams, their open conversations become unassigned, and their tokens and sessions end.
 */
export async function deleteUser(
  deps: AppDeps,
  input: { principal: Principal; userId: string; origin?: RequestOrigin },
): Promise<void> {
  const db = deps.database.db;
  const { principal } = input;
  const now = deps.clock.now();
  const user = await manageableUser(db, principal, input.userId);
  if (user.id === principal.userId) throw new AppError('CONFLICT', 'You cannot delete yourself.');
  const organisationId = organisationOf(principal);
  if (user.role === 'owner' && (await countActiveOwners(db, organisationId)) <= 1) {
    throw new AppError('CONFLICT', 'The last owner cannot be deleted.');
  }
  if ((await organisationCount(db, user.id)) > 1) {
    // A member of other organisations too only leaves this one.
    await withEvents(deps, async (trx) => {
      await removeFromOrganisation(trx, { userId: user.id, organisationId, now });
      await userChanged(trx, { principal, userId: user.id, action: 'deleted', at: now });
    });
    deps.signals.emit('credentials');
    await logAdministration(db, {
      principal,
      user,
      kinds: [['user.deleted', { organisation_id: organisationId, left_organisation: true }]],
      origin: input.origin,
      at: now,
    });
    return;
  }
  await withEvents(deps, async (trx) => {
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
    await userChanged(trx, { principal, userId: user.id, action: 'deleted', at: now });
  });
  await revokeUserSessions(db, user.id, now);
  deps.signals.emit('credentials');
  await logAdministration(db, {
    principal,
    user,
    kinds: [['user.deleted', {}]],
    origin: input.origin,
    at: now,
  });
}

/**
 * Takes a user out of one organisation: its teams, its open conversations and its tokens. The
 * account and the other memberships stay.
 */
export async function removeFromOrganisation(
  trx: Kysely<DB>,
  input: { userId: string; organisationId: string; now: number },
): Promise<void> {
  const { userId, organisationId, now } = input;
  const wabas = trx.selectFrom('wabas').select('id').where('organisation_id', '=', organisationId);
  await trx
    .deleteFrom('organisation_members')
    .where('organisation_id', '=', organisationId)
    .where('user_id', '=', userId)
    .execute();
  await trx
    .deleteFrom('team_members')
    .where('user_id', '=', userId)
    .where('team_id', 'in', trx.selectFrom('teams').select('id').where('waba_id', 'in', wabas))
    .execute();
  await trx
    .updateTable('conversations')
    .set({ assignee_user_id: null, updated_at: now })
    .where('assignee_user_id', '=', userId)
    .where('status', '!=', 'resolved')
    .where(
      'phone_number_id',
      'in',
      trx.selectFrom('phone_numbers').select('id').where('waba_id', 'in', wabas),
    )
    .execute();
  await trx
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('organisation_id', '=', organisationId)
    .where('revoked_at', 'is', null)
    .execute();
  await syncUserRole(trx, userId, now);
}
