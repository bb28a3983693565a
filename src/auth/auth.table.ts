import type { InboxTables } from '../inbox/inbox.table.ts';
import type { SettingTables } from '../settings/setting.table.ts';
import type { TeamTables } from '../teams/team.table.ts';
import type { UserTables } from '../users/user.table.ts';

/** A browser session; `id` is the SHA-256 of the opaque cookie value, never the value itself. */
export interface SessionTable {
  id: string;
  user_id: string;
  /** The double-submit CSRF token also sent in the readable `coexist_csrf` cookie. */
  csrf_token: string;
  /** 1 when the session was opened with a second factor (or MFA was enrolled in it); kept for the audit trail. */
  mfa_ok: number;
  ip: string | null;
  user_agent: string | null;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface MfaRecoveryCodeTable {
  id: string;
  user_id: string;
  code_hash: string;
  used_at: number | null;
  created_at: number;
}

/** Failed-login counters keyed by `account:<email>` or `ip:<address>`. */
export interface LoginThrottleTable {
  key: string;
  failures: number;
  window_started_at: number;
  locked_until: number | null;
}

export interface AuthTables {
  sessions: SessionTable;
  mfa_recovery_codes: MfaRecoveryCodeTable;
  login_throttles: LoginThrottleTable;
}

/** Every table of the accounts part (migration 005), intersected into `DB` in schema.ts. */
export type AccountsTables = AuthTables & UserTables & TeamTables & InboxTables & SettingTables;
