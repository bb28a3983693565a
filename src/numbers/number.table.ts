import type { Generated, Selectable } from 'kysely';

export type ConnectionState = 'connected' | 'disconnected' | 'offboarded' | 'uninstalled' | 'unknown';
export type HistoryState =
  | 'not_requested'
  | 'requested'
  | 'in_progress'
  | 'complete'
  | 'complete_inferred'
  | 'declined';

export interface WabaTable {
  id: string;
  name: string | null;
  owner_business_id: string | null;
  /** The organisation that owns this account (`organisations/`); `null` = unclaimed, seen by none. */
  organisation_id: string | null;
  state: string;
  last_lifecycle_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface PhoneNumberTable {
  id: string;
  waba_id: string;
  display_phone_number: string;
  verified_name: string | null;
  is_coexistence: number;
  connection_state: ConnectionState;
  disconnection_reason: string | null;
  disconnection_initiated_by: string | null;
  connection_changed_at: number | null;
  /** Meta's `entry[].time` of the last lifecycle event applied; older ones are ignored. */
  last_lifecycle_at: number | null;
  onboarded_at: number | null;
  last_echo_at: number | null;
  history_state: HistoryState;
  history_progress: number;
  history_error_json: string | null;
  history_last_chunk_at: number | null;
  contacts_sync_state: string;
  throughput_mps: number;
  created_at: number;
  updated_at: number;
}

/** Account-level lifecycle events from Meta (account_update, partner events), kept as received. */
export interface AccountEventTable {
  id: Generated<number>;
  waba_id: string;
  phone_number_id: string | null;
  event: string;
  data_json: string;
  meta_time: number | null;
  received_at: number;
}

export type WabaRow = Selectable<WabaTable>;
export type PhoneNumberRow = Selectable<PhoneNumberTable>;

/** The tables of business accounts and their numbers. */
export interface NumberTables {
  wabas: WabaTable;
  phone_numbers: PhoneNumberTable;
  account_events: AccountEventTable;
}
