import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/** Argon2id with the library defaults (19 MiB, 2 passes, 1 lane): OWASP's recommended minimum. */
export async function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// A real hash of a throwaway password: verifying against it for unknown emails keeps the
// response time of "no such user" close to that of "wrong password".
let decoyHash: Promise<string> | null = null;
export async function verifyDecoy(password: string): Promise<false> {
  decoyHash ??= hash(randomBytes(16).toString('hex'));
  await verifyPassword(await decoyHash, password);
  return false;
}

/** A random password a person can type: 20 characters of base64url (120 bits). */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}

export const MIN_PASSWORD_LENGTH = 10;
