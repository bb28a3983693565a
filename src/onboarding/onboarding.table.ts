import type { Selectable } from 'kysely';

/**
 * Where one Embedded Signup attempt stands: `eligibility` (answers given, nothing sent to Meta),
 * `signup` (the popup is open), `connecting` (the hub is exchanging the code, subscribing,
 * reading and registering the number), `connected` (done: the syncs follow), `failed`.
 */
export type OnboardingState = 'eligibility' | 'signup' | 'connecting' | 'connected' | 'failed';

export interface OnboardingSessionTable {
  id: string;
  state: OnboardingState;
  /** The eligibility answers and what the hub checked itself (`EligibilityReport`). */
  eligibility_json: string;
  waba_id: string | null;
  phone_number_id: string | null;
  /** Each connection step with its outcome (`OnboardingStep[]`), in order. */
  steps_json: string;
  /** Meta's error (code, message) of the step that failed. */
  error_json: string | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

/** A WABA's own Meta credential: the business token from Embedded Signup, sealed (secrets.ts). */
export interface WabaCredentialTable {
  waba_id: string;
  token_sealed: string;
  source: 'embedded_signup';
  created_at: number;
  updated_at: number;
}

/** Columns migration 033 adds to `number_sync_requests` (owned by outbound/outbound.table.ts). */
export interface SyncRequestOutcomeColumns {
  /** What the operator said when resolving an unknown outcome by hand. */
  outcome_note: string | null;
}

export type OnboardingSessionRow = Selectable<OnboardingSessionTable>;

/** The onboarding tables. */
export interface OnboardingTables {
  onboarding_sessions: OnboardingSessionTable;
  waba_credentials: WabaCredentialTable;
  number_sync_requests: SyncRequestOutcomeColumns;
}
