import type { Generated, Selectable } from 'kysely';

export type ConsentScope = 'marketing' | 'utility';
export type ConsentAction = 'opt_in' | 'opt_out';
export type ConsentSource =
  | 'keyword'
  | 'hosted_page'
  | 'csv_import'
  | 'agent'
  | 'api'
  | 'meta_user_preferences'
  | 'error_131050';
/** The number's rule for marketing templates: an opt-in is needed (default), or only no opt-out. */
export type ConsentPolicy = 'opt_in_required' | 'not_opted_out';

/** The ledger: one append-only row per opt-in or opt-out, with its evidence. */
export interface ConsentRecordTable {
  id: Generated<number>;
  contact_id: string;
  phone_number_id: string;
  scope: ConsentScope;
  action: ConsentAction;
  source: ConsentSource;
  /** The exact wording the customer saw or wrote (null when there was none, e.g. Meta's webhook). */
  wording: string | null;
  /** SHA-256 (hex) of `wording`, so a later copy of the text can be proven the same. */
  wording_sha256: string | null;
  actor_kind: 'user' | 'token' | 'system' | null;
  actor_id: string | null;
  ip: string | null;
  user_agent: string | null;
  /** Free evidence: an agent's note, a CSV evidence column, a wamid, an error payload. */
  evidence: string | null;
  /** When the customer gave or withdrew consent. */
  at: number;
  /** When the hub wrote the record. */
  recorded_at: number;
}

/** The current state per contact and scope, derived from the ledger in the same transaction. */
export interface ConsentStateTable {
  contact_id: string;
  scope: ConsentScope;
  phone_number_id: string;
  state: 'opted_in' | 'opted_out';
  /** The ledger record that decided it. */
  record_id: number;
  source: ConsentSource;
  changed_at: number;
}

/** Per number: the marketing policy, the keywords and the confirmation replies (null = defaults). */
export interface ConsentSettingsTable {
  phone_number_id: string;
  policy: ConsentPolicy;
  opt_out_keywords_json: string | null;
  opt_in_keywords_json: string | null;
  opt_out_reply: string | null;
  opt_in_reply: string | null;
  /** The wording of the hosted opt-in page (null = the default wording). */
  page_wording: string | null;
  updated_at: number;
  updated_by: string | null;
}

export type ConsentRecordRow = Selectable<ConsentRecordTable>;

export interface ConsentTables {
  consent_records: ConsentRecordTable;
  consent_states: ConsentStateTable;
  consent_settings: ConsentSettingsTable;
}
