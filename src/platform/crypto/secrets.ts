import type { Kysely, Transaction } from 'kysely';
import type { CryptoTables } from './crypto.table.ts';
import { createEnvelope, type MasterKeyring } from './envelope.ts';

/**
 * Secrets at rest (TOTP secrets, AI provider keys, webhook secrets…), sealed with envelope
 * encryption under their own subject's data key. The API for every feature that stores a secret:
 *
 * ```ts
 * const keyring = masterKeyringOf(deps.config);                  // platform/crypto/keyring.ts
 * const stored = await sealSecret(trx, keyring, `ai-key:${id}`, apiKey);   // store `stored`
 * const apiKey = await openSecret(db, keyring, `ai-key:${id}`, stored);
 * await forgetSecret(db, keyring, `ai-key:${id}`, now);           // on delete: shreds it
 * ```
 *
 * A stored value that is not sealed (`v1.` prefix), written before encryption existed, is read as
 * is; `isSealed` tells the data migration which rows still need sealing.
 */

const SEALED = 'v1.';

/** Whether a stored value is an envelope ciphertext (rather than a legacy plaintext). */
export function isSealed(stored: string): boolean {
  return stored.startsWith(SEALED);
}

/** The value to store for `secret`, encrypted under `subject`'s data key (created on first use). */
export async function sealSecret<S extends CryptoTables>(
  db: Kysely<S> | Transaction<S>,
  keyring: MasterKeyring,
  subject: string,
  secret: string,
): Promise<string> {
  return createEnvelope(db, keyring).encrypt(subject, secret);
}

/** Thrown when a sealed secret cannot be opened: its data key was destroyed, or no master key opens it. */
export class SecretUnavailableError extends Error {
  constructor(subject: string, why: string) {
    super(`the secret of ${subject} cannot be opened: ${why}`);
    this.name = 'SecretUnavailableError';
  }
}

/** The secret a stored value holds (a legacy plaintext as is). Throws {@link SecretUnavailableError}. */
export async function openSecret<S extends CryptoTables>(
  db: Kysely<S> | Transaction<S>,
  keyring: MasterKeyring,
  subject: string,
  stored: string,
): Promise<string> {
  if (!isSealed(stored)) return stored;
  let secret: string | null;
  try {
    secret = await createEnvelope(db, keyring).decrypt(subject, stored);
  } catch (error) {
    throw new SecretUnavailableError(subject, (error as Error).message);
  }
  if (secret === null) throw new SecretUnavailableError(subject, 'its data key was destroyed');
  return secret;
}

/** Destroys `subject`'s data key: nothing sealed under it can be opened again. */
export async function forgetSecret<S extends CryptoTables>(
  db: Kysely<S> | Transaction<S>,
  keyring: MasterKeyring,
  subject: string,
  now: number,
): Promise<void> {
  await createEnvelope(db, keyring).destroy(subject, now);
}
