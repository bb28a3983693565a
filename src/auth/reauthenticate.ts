import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { MasterKeyring } from '../platform/crypto/envelope.ts';
import { AppError } from '../platform/errors.ts';
import { recordSecurityEvent } from '../security/security-log.ts';
import type { UserRow } from '../users/user.table.ts';
import { verifySecondFactor } from './mfa.ts';
import { verifyPassword } from './passwords.ts';
import { beginLoginAttempt, loginSucceeded } from './throttle.ts';

/** What a signed-in user typed to confirm a change to their own credentials. */
export type OwnSecrets = {
  readonly password?: string | undefined;
  /** A current authenticator code. */
  readonly code?: string | undefined;
};

/**
 * Confirms that whoever holds this user's session or token also knows their secrets, before a change
 * to the user's own password or second factor, whichever route it comes through: a borrowed laptop
 * or a stolen token must not be enough. `need.code` applies only while MFA is on. Runs under the
 * login throttle (per account and IP), so a session cannot be used to guess. Throws
 * `REAUTHENTICATION_REQUIRED` when a needed secret is missing, `PASSWORD_INCORRECT` or
 * `MFA_INVALID` when one is wrong, `LOGIN_THROTTLED` (with `retry_after_seconds`) when locked.
 */
export async function confirmOwnSecrets(
  db: Kysely<DB>,
  input: {
    user: UserRow;
    ip: string;
    now: number;
    secrets: OwnSecrets;
    need: { password: boolean; code: boolean };
    /** Opens the stored TOTP secret. */
    keyring: MasterKeyring;
  },
): Promise<void> {
  const { user, secrets, now } = input;
  const needCode = input.need.code && user.mfa_enabled_at !== null;
  const missing = [
    ...(input.need.password && !secrets.password ? ['current_password'] : []),
    ...(needCode && !secrets.code ? ['code'] : []),
  ];
  if (missing.length > 0) {
    throw new AppError('REAUTHENTICATION_REQUIRED', `Confirm with ${missing.join(' and ')}.`, {
      missing,
    });
  }
  const keys = { account: user.email, ip: input.ip };
  const refused = async (error: AppError): Promise<AppError> => {
    await recordSecurityEvent(db, {
      kind: error.code === 'LOGIN_THROTTLED' ? 'lockout' : 'reauthentication',
      outcome: error.code === 'LOGIN_THROTTLED' ? 'refused' : 'failed',
      actor: { kind: 'user', id: user.id, userId: user.id },
      targetUserId: user.id,
      email: user.email,
      origin: { ip: input.ip, userAgent: null },
      details: { reason: error.code },
      at: now,
    });
    return error;
  };
  const until = await beginLoginAttempt(db, keys, now);
  if (until !== null) {
    throw await refused(
      new AppError('LOGIN_THROTTLED', undefined, { retry_after_seconds: Math.ceil((until - now) / 1000) }),
    );
  }
  if (input.need.password && !(await verifyPassword(user.password_hash, secrets.password ?? ''))) {
    throw await refused(new AppError('PASSWORD_INCORRECT', 'The current password is wrong.'));
  }
  if (
    needCode &&
    !(await verifySecondFactor(db, { user, code: secrets.code, now, keyring: input.keyring }))
  ) {
    throw await refused(new AppError('MFA_INVALID'));
  }
  await loginSucceeded(db, keys);
}
