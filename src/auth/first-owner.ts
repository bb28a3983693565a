import type { AppDeps } from '../app-deps.ts';
import { countUsers, insertUser } from '../users/users.repository.ts';
import { generatePassword, hashPassword } from './passwords.ts';

export const FIRST_OWNER_EMAIL = 'owner@coexist.local';

/**
 * On a hub without any user, creates the first owner with a generated password and returns the
 * login so the caller can print it once; returns `null` when users already exist. The owner must
 * enrol MFA at first login.
 */
export async function ensureFirstOwner(
  deps: AppDeps,
  input: { email?: string; name?: string } = {},
): Promise<{ email: string; password: string } | null> {
  const db = deps.database.db;
  if ((await countUsers(db)) > 0) return null;
  const email = input.email ?? FIRST_OWNER_EMAIL;
  const password = generatePassword();
  try {
    await insertUser(db, {
      email,
      name: input.name ?? 'Owner',
      role: 'owner',
      passwordHash: await hashPassword(password),
      wabaIds: null,
      now: deps.clock.now(),
      // The hub's first owner is its provider administrator: they create the other organisations.
      providerAdmin: true,
    });
  } catch (error) {
    // Another node created it first (unique email): that node prints the login.
    if ((await countUsers(db)) > 0) return null;
    throw error;
  }
  return { email, password };
}
