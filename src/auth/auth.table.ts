import type { ColumnType } from 'kysely';

/** A browser session; `id` is the SHA-256 of the opaque cookie value, never the value itself. */
export interface SessionTable {
  id: string;
  user_id: string;
  /** The double-submit CSRF token also sent in the readable `coexist_csrf` cookie. */
  csrf_token: string;
  /** 1 when the session was opened with a second factor (or MFA was enrolled in it); kept for the audit trail. */
  mfa_ok: number;
  /** The organisation the session acts in (`organisations/`); `null` = the user's first. */
  organisation_id: string | null;
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

/** An API token; only its SHA-256 is kept, `prefix` identifies it in lists. */
export interface ApiTokenTable {
  id: string;
  name: string;
  token_hash: string;
  prefix: string;
  user_id: string | null;
  waba_id: string | null;
  /** The organisation the token belongs to; `null` (made before organisations or by the CLI) = the default one. */
  organisation_id: string | null;
  scopes: string;
  /** What the token may do within its role: `read`, `send` or `admin` (everything); null = admin. */
  scope: ColumnType<string | null, string | null | undefined, string | null>;
  /** Requests per minute this token may make; null = the hub's default for its scope. */
  rate_limit_per_minute: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface AuthTables {
  api_tokens: ApiTokenTable;
  sessions: SessionTable;
  mfa_recovery_codes: MfaRecoveryCodeTable;
  login_throttles: LoginThrottleTable;
}
