import { type Kysely, sql } from 'kysely';
import type { DB } from '../database.ts';

/**
 * Login throttling, stored in the database so that every hub node sees the same counters.
 * Failures within a window are counted per account (email) and per client IP; reaching the
 * limit locks that key until the window ends.
 */
export const THROTTLE_WINDOW_MS = 15 * 60_000;
export const ACCOUNT_FAILURE_LIMIT = 5;
export const IP_FAILURE_LIMIT = 20;

export type ThrottleKeys = { account: string; ip: string };

function keysOf(keys: ThrottleKeys): { key: string; limit: number }[] {
  return [
    { key: `account:${keys.account.toLowerCase()}`, limit: ACCOUNT_FAILURE_LIMIT },
    { key: `ip:${keys.ip}`, limit: IP_FAILURE_LIMIT },
  ];
}

/**
 * Counts an attempt against both keys *before* the password is checked, in one atomic statement
 * per key, so that parallel guesses cannot all pass a check made before any of them failed. The
 * count is the whole state: an attempt beyond a key's limit within the window is refused, so a
 * failure needs no further write. Returns when the lock ends if this attempt is refused, else
 * `null`. A successful login takes its count back ({@link loginSucceeded}); so does one that only
 * asks for the second factor ({@link refundLoginAttempt}). (`login_throttles.locked_until` is no
 * longer written.)
 */
export async function beginLoginAttempt(
  db: Kysely<DB>,
  keys: ThrottleKeys,
  now: number,
): Promise<number | null> {
  const { accountUntil, ipUntil } = await countLoginAttempt(db, keys, now);
  return accountUntil === null && ipUntil === null ? null : Math.max(accountUntil ?? 0, ipUntil ?? 0);
}

/** Which key of an attempt is locked, and until when (`null` = not locked). */
export type LoginLocks = { accountUntil: number | null; ipUntil: number | null };

/**
 * {@link beginLoginAttempt}, telling the account's lock from the IP's. Logging in uses it so that a
 * locked *account* still opens to the right password with a valid second factor (a stranger who
 * knows an email cannot lock its owner out), while a locked *IP* refuses everything.
 */
export async function countLoginAttempt(
  db: Kysely<DB>,
  keys: ThrottleKeys,
  now: number,
): Promise<LoginLocks> {
  const expired = now - THROTTLE_WINDOW_MS;
  const locks: LoginLocks = { accountUntil: null, ipUntil: null };
  for (const { key, limit } of keysOf(keys)) {
    const { rows } = await sql<{ failures: number; window_started_at: number | string }>`
      insert into login_throttles (key, failures, window_started_at, locked_until)
      values (${key}, 1, ${now}, null)
      on conflict (key) do update set
        failures = case when login_throttles.window_started_at <= ${expired} then 1
                        else login_throttles.failures + 1 end,
        window_started_at = case when login_throttles.window_started_at <= ${expired} then ${now}
                                 else login_throttles.window_started_at end
      returning failures, window_started_at`.execute(db);
    const row = rows[0];
    if (row && Number(row.failures) > limit) {
      const until = Number(row.window_started_at) + THROTTLE_WINDOW_MS;
      if (key.startsWith('ip:')) locks.ipUntil = until;
      else locks.accountUntil = until;
    }
  }
  return locks;
}

/** Takes back an attempt that was not a failure (the password was right; the second factor is asked for). */
export async function refundLoginAttempt(db: Kysely<DB>, keys: ThrottleKeys): Promise<void> {
  await db
    .updateTable('login_throttles')
    .set((eb) => ({ failures: eb('failures', '-', 1) }))
    .where(
      'key',
      'in',
      keysOf(keys).map((k) => k.key),
    )
    .where('failures', '>', 0)
    .execute();
}

/** A successful login clears the account's counter and takes its attempt back from the IP's. */
export async function loginSucceeded(db: Kysely<DB>, keys: ThrottleKeys): Promise<void> {
  await db.deleteFrom('login_throttles').where('key', '=', `account:${keys.account.toLowerCase()}`).execute();
  await db
    .updateTable('login_throttles')
    .set((eb) => ({ failures: eb('failures', '-', 1) }))
    .where('key', '=', `ip:${keys.ip}`)
    .where('failures', '>', 0)
    .execute();
}
