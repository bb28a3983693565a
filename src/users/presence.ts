import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { PresenceStatus } from './user.table.ts';

/** A heartbeat or a request keeps a user present this long. */
export const PRESENCE_TTL_MS = 2 * 60_000;

/**
 * A user's presence: the status of their last heartbeat while it is fresh; otherwise `online`
 * while one of their sessions made a request recently; otherwise `offline`.
 */
export function effectivePresence(
  user: { presence: PresenceStatus; presence_at: number | null },
  lastSessionActivity: number | null,
  now: number,
): PresenceStatus {
  if (user.presence_at !== null && now - user.presence_at < PRESENCE_TTL_MS) return user.presence;
  if (lastSessionActivity !== null && now - lastSessionActivity < PRESENCE_TTL_MS) return 'online';
  return 'offline';
}

/** The latest request time of each user's live sessions. */
export async function lastSessionActivity(
  db: Kysely<DB>,
  userIds: readonly string[],
): Promise<Map<string, number>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('sessions')
    .select(['user_id', (eb) => eb.fn.max('last_seen_at').as('at')])
    .where('user_id', 'in', [...userIds])
    .where('revoked_at', 'is', null)
    .groupBy('user_id')
    .execute();
  return new Map(rows.map((r) => [r.user_id, Number(r.at)]));
}

export async function setPresence(
  db: Kysely<DB>,
  input: { userId: string; status: PresenceStatus; now: number },
): Promise<void> {
  await db
    .updateTable('users')
    .set({ presence: input.status, presence_at: input.now })
    .where('id', '=', input.userId)
    .execute();
}
