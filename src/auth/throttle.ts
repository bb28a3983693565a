import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';

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

/** Returns the time the lock ends if either key is locked now, else `null`. */
export async function lockedUntil(db: Kysely<DB>, keys: ThrottleKeys, now: number): Promise<number | null> {
  const rows = await db
    .selectFrom('login_throttles')
    .select(['locked_until'])
    .where(
      'key',
      'in',
      keysOf(keys).map((k) => k.key),
    )
    .execute();
  const until = rows
    .map((r) => r.locked_until)
    .filter((t): t is number => t !== null && t > now)
    .sort((a, b) => b - a)[0];
  return until ?? null;
}

/** Counts one failed attempt against both keys. */
export async function recordLoginFailure(db: Kysely<DB>, keys: ThrottleKeys, now: number): Promise<void> {
  for (const { key, limit } of keysOf(keys)) {
    await db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('login_throttles')
        .selectAll()
        .where('key', '=', key)
        .executeTakeFirst();
      const fresh = !row || now - row.window_started_at >= THROTTLE_WINDOW_MS;
      const failures = fresh ? 1 : row.failures + 1;
      const windowStart = fresh ? now : row.window_started_at;
      const locked = failures >= limit ? windowStart + THROTTLE_WINDOW_MS : null;
      if (row) {
        await trx
          .updateTable('login_throttles')
          .set({ failures, window_started_at: windowStart, locked_until: locked })
          .where('key', '=', key)
          .execute();
      } else {
        await trx
          .insertInto('login_throttles')
          .values({ key, failures, window_started_at: windowStart, locked_until: locked })
          .onConflict((oc) =>
            oc.column('key').doUpdateSet({ failures, window_started_at: windowStart, locked_until: locked }),
          )
          .execute();
      }
    });
  }
}

/** A successful login clears the account's counter (the IP's keeps counting other accounts' failures). */
export async function clearAccountFailures(db: Kysely<DB>, account: string): Promise<void> {
  await db.deleteFrom('login_throttles').where('key', '=', `account:${account.toLowerCase()}`).execute();
}
