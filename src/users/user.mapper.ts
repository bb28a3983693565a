import type { Kysely } from 'kysely';
import type { Role } from '../auth/principal.ts';
import type { DB } from '../database.ts';
import { isLanguage, type Language } from '../platform/languages.ts';
import { iso, isoOrNull } from '../platform/time.ts';
import { effectivePresence, lastSessionActivity } from './presence.ts';
import type { PresenceStatus, UserRow } from './user.table.ts';

/** A user as the API returns it; never the password hash or MFA secret. */
export type ApiUser = {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** `null` = every business account. */
  waba_ids: string[] | null;
  team_ids: string[];
  mfa_enabled: boolean;
  presence: PresenceStatus;
  /** null = never chosen: the web app follows the browser. */
  language: Language | null;
  disabled: boolean;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
};

/** Maps users to their API shape, loading their business accounts, teams and presence in three queries. */
export async function toApiUsers(db: Kysely<DB>, users: readonly UserRow[], now: number): Promise<ApiUser[]> {
  const ids = users.map((u) => u.id);
  if (ids.length === 0) return [];
  const [wabas, teams, activity] = await Promise.all([
    db.selectFrom('user_wabas').selectAll().where('user_id', 'in', ids).execute(),
    db.selectFrom('team_members').select(['user_id', 'team_id']).where('user_id', 'in', ids).execute(),
    lastSessionActivity(db, ids),
  ]);
  return users.map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    waba_ids:
      u.role === 'owner' || u.all_wabas === 1
        ? null
        : wabas
            .filter((w) => w.user_id === u.id)
            .map((w) => w.waba_id)
            .sort(),
    team_ids: teams
      .filter((t) => t.user_id === u.id)
      .map((t) => t.team_id)
      .sort(),
    mfa_enabled: u.mfa_enabled_at !== null,
    presence: u.disabled_at !== null ? 'offline' : effectivePresence(u, activity.get(u.id) ?? null, now),
    language: isLanguage(u.language) ? u.language : null,
    disabled: u.disabled_at !== null,
    last_login_at: isoOrNull(u.last_login_at),
    created_at: iso(u.created_at),
    updated_at: iso(u.updated_at),
  }));
}

export async function toApiUser(db: Kysely<DB>, user: UserRow, now: number): Promise<ApiUser> {
  const [out] = await toApiUsers(db, [user], now);
  return out!;
}
