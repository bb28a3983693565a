import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import type { DB } from '../database.ts';
import type { MasterKeyring } from '../platform/crypto/envelope.ts';
import { openSecret, sealSecret } from '../platform/crypto/secrets.ts';
import { AppError } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import type { UserRow, UserTable } from '../users/user.table.ts';

export const MFA_ISSUER = 'Coexist';
export const RECOVERY_CODE_COUNT = 10;
/** One step of drift either way (a code from the previous or next 30 s) is accepted. */
const EPOCH_TOLERANCE_S = 30;

function hashRecoveryCode(code: string): string {
  return createHash('sha256')
    .update(code.replace(/[^a-z0-9]/gi, '').toLowerCase())
    .digest('hex');
}

/** `xxxxx-xxxxx`, 50 bits of base32-ish randomness; shown once, stored as SHA-256. */
function newRecoveryCode(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(10);
  const chars = Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

export type MfaEnrolment = { secret: string; otpauthUrl: string; qrDataUrl: string };

/**
 * The data key subject of a user's TOTP secrets: stored sealed (`platform/crypto/secrets.ts`), never
 * in the clear; a value from before encryption is read as is and sealed by `archive.seal-at-rest`.
 */
export const mfaSubject = (userId: string) => `user-mfa:${userId}`;

/** Starts (or restarts) enrolment: a new secret kept pending until a code confirms it. */
export async function startMfaEnrolment(
  db: Kysely<DB>,
  user: Pick<UserTable, 'id' | 'email'>,
  now: number,
  keyring: MasterKeyring,
): Promise<MfaEnrolment> {
  const secret = generateSecret();
  const otpauthUrl = generateURI({ issuer: MFA_ISSUER, label: user.email, secret });
  const qrDataUrl = await QRCode.toDataURL(otpauthUrl, { errorCorrectionLevel: 'M', margin: 2, width: 240 });
  await db
    .updateTable('users')
    .set({ mfa_pending_secret: await sealSecret(db, keyring, mfaSubject(user.id), secret), updated_at: now })
    .where('id', '=', user.id)
    .execute();
  return { secret, otpauthUrl, qrDataUrl };
}

/** The time step a code matched, or `null`; codes of steps at or before `afterStep` are refused. */
async function matchTotp(input: {
  secret: string;
  code: string;
  now: number;
  afterStep: number | null;
}): Promise<number | null> {
  const token = input.code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const result = await verify({
    secret: input.secret,
    token,
    epoch: Math.floor(input.now / 1000),
    epochTolerance: EPOCH_TOLERANCE_S,
    ...(input.afterStep !== null ? { afterTimeStep: input.afterStep } : {}),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

/** Confirms the pending secret with a code; enables MFA and returns fresh recovery codes (shown once). */
export async function confirmMfaEnrolment(
  db: Kysely<DB>,
  input: { userId: string; code: string; now: number; keyring: MasterKeyring },
): Promise<{ recoveryCodes: string[] }> {
  const user = await db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', input.userId)
    .executeTakeFirstOrThrow();
  if (!user.mfa_pending_secret) throw new AppError('CONFLICT', 'Start MFA enrolment first.');
  const pending = await openSecret(db, input.keyring, mfaSubject(user.id), user.mfa_pending_secret);
  const step = await matchTotp({
    secret: pending,
    code: input.code,
    now: input.now,
    afterStep: null,
  });
  if (step === null) throw new AppError('MFA_INVALID');
  const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({
        mfa_secret: await sealSecret(trx, input.keyring, mfaSubject(user.id), pending),
        mfa_pending_secret: null,
        mfa_enabled_at: input.now,
        mfa_last_step: step,
        updated_at: input.now,
      })
      .where('id', '=', user.id)
      .execute();
    await storeRecoveryCodes(trx, user.id, recoveryCodes, input.now);
  });
  return { recoveryCodes };
}

async function storeRecoveryCodes(
  trx: Kysely<DB>,
  userId: string,
  codes: string[],
  now: number,
): Promise<void> {
  await trx.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
  await trx
    .insertInto('mfa_recovery_codes')
    .values(
      codes.map((code) => ({
        id: newId(),
        user_id: userId,
        code_hash: hashRecoveryCode(code),
        used_at: null,
        created_at: now,
      })),
    )
    .execute();
}

/**
 * Replaces a user's recovery codes with a fresh set (shown once); every earlier code stops working.
 * Needs MFA to be on; the caller checks a current second factor first.
 */
export async function regenerateRecoveryCodes(
  db: Kysely<DB>,
  input: { userId: string; now: number },
): Promise<{ recoveryCodes: string[] }> {
  const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await db.transaction().execute((trx) => storeRecoveryCodes(trx, input.userId, recoveryCodes, input.now));
  return { recoveryCodes };
}

/**
 * Checks a second factor for a user with MFA enabled: a TOTP code (each time step usable once)
 * or an unused recovery code (consumed). Returns whether it was accepted.
 */
export async function verifySecondFactor(
  db: Kysely<DB>,
  input: {
    user: UserRow;
    code?: string | undefined;
    recoveryCode?: string | undefined;
    now: number;
    keyring: MasterKeyring;
  },
): Promise<boolean> {
  const { user } = input;
  if (!user.mfa_secret) return false;
  if (input.code) {
    const step = await matchTotp({
      secret: await openSecret(db, input.keyring, mfaSubject(user.id), user.mfa_secret),
      code: input.code,
      now: input.now,
      afterStep: user.mfa_last_step,
    });
    if (step === null) return false;
    // Conditional update: two concurrent logins with the same code cannot both win.
    const result = await db
      .updateTable('users')
      .set({ mfa_last_step: step })
      .where('id', '=', user.id)
      .where((eb) => eb.or([eb('mfa_last_step', 'is', null), eb('mfa_last_step', '<', step)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
  if (input.recoveryCode) {
    const result = await db
      .updateTable('mfa_recovery_codes')
      .set({ used_at: input.now })
      .where('user_id', '=', user.id)
      .where('code_hash', '=', hashRecoveryCode(input.recoveryCode))
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
  return false;
}

export async function remainingRecoveryCodes(db: Kysely<DB>, userId: string): Promise<number> {
  const row = await db
    .selectFrom('mfa_recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Turns MFA off for a user (admin reset or self-service where allowed). */
export async function disableMfa(db: Kysely<DB>, userId: string, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({
        mfa_secret: null,
        mfa_pending_secret: null,
        mfa_enabled_at: null,
        mfa_last_step: null,
        updated_at: now,
      })
      .where('id', '=', userId)
      .execute();
    await trx.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
  });
}
