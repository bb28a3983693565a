import type { ColumnType, Selectable } from 'kysely';
import type { Role } from '../auth/principal.ts';

export type PresenceStatus = 'online' | 'away' | 'offline';

export interface UserTable {
  id: string;
  /** Lower-cased. */
  email: string;
  name: string;
  role: Role;
  /** Argon2id PHC string. */
  password_hash: string;
  /** 1 = may see every business account (owners always); 0 = only those in `user_wabas`. */
  all_wabas: number;
  mfa_secret: string | null;
  /** A secret shown for enrolment but not confirmed with a code yet. */
  mfa_pending_secret: string | null;
  mfa_enabled_at: number | null;
  /** The last TOTP time step accepted; a code of that step or older is refused (no replay). */
  mfa_last_step: number | null;
  presence: PresenceStatus;
  presence_at: number | null;
  last_login_at: number | null;
  disabled_at: number | null;
  /** `en`, `es` or `pt-BR` (platform/languages.ts); null = never chosen, the web app follows the browser. */
  language: string | null;
  /** 1 = the provider administrator: creates organisations and may act in any of them. */
  provider_admin: ColumnType<number, number | undefined, number>;
  created_at: number;
  updated_at: number;
}

export interface UserWabaTable {
  user_id: string;
  waba_id: string;
}

export interface UserTables {
  users: UserTable;
  user_wabas: UserWabaTable;
}
export type UserRow = Selectable<UserTable>;
