import type { Generated } from 'kysely';

/**
 * One entry of the security log: who signed in or failed to, lockouts, MFA and password changes,
 * and the administration of users, roles and tokens. Never a secret: no password, code, token or
 * session id, only ids, the email typed, the client's address and user agent, and facts.
 */
export interface SecurityLogTable {
  id: Generated<number>;
  at: number;
  kind: string;
  /** `succeeded`, `failed` or `refused` (throttled). */
  outcome: string;
  actor_user_id: string | null;
  actor_token_id: string | null;
  target_user_id: string | null;
  target_token_id: string | null;
  /** The email typed at sign-in (also for unknown accounts), else the target user's. */
  email: string | null;
  ip: string | null;
  user_agent: string | null;
  /** Non-secret facts, such as `{ "reason": "password" }` or `{ "role": { "from", "to" } }`. */
  details_json: string;
}

export interface SecurityLogTables {
  security_log: SecurityLogTable;
}
