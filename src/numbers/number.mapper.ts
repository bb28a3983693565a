import { parseJsonOr } from '../platform/json.ts';
import { isoOrNull } from '../platform/time.ts';
import type { ConnectionState, HistoryState, PhoneNumberRow } from './number.table.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Meta disconnects a coexistence number whose phone has not opened the Business app for ~14 days. */
export const APP_INACTIVITY_LIMIT_MS = 14 * DAY_MS;

/** A phone number with its sync health, as the REST API returns it. */
export type ApiNumber = {
  id: string;
  waba_id: string;
  display_phone_number: string;
  verified_name: string | null;
  is_coexistence: boolean;
  connection: {
    state: ConnectionState;
    reason: string | null;
    initiated_by: string | null;
    changed_at: string | null;
  };
  onboarded_at: string | null;
  history: {
    state: HistoryState;
    /** 0–100, as Meta reports it in history chunks. */
    progress: number;
    error: unknown;
    last_chunk_at: string | null;
  };
  contacts_sync_state: string;
  /** Last echo seen: the latest live proof that the owner used the Business app. */
  last_echo_at: string | null;
  /** The newest proof the owner used the Business app: the last echo, else imported history's newest business message. */
  last_app_activity_at: string | null;
  /** Whole days left before the 14-day app-inactivity rule can disconnect the number; `null` if unknown. */
  days_left_before_14_day_rule: number | null;
  throughput_mps: number;
  created_at: string;
  updated_at: string;
};

/** Whole days (rounded down, never negative) before the 14-day rule, counted from the last echo. */
export function daysLeftBefore14DayRule(lastEchoAt: number | null, now: number): number | null {
  if (lastEchoAt === null) return null;
  return Math.max(0, Math.floor((lastEchoAt + APP_INACTIVITY_LIMIT_MS - now) / DAY_MS));
}

/**
 * Maps a stored phone number to its API shape; `now` feeds the 14-day countdown, counted from the
 * newer of the last echo and `historyActivityAt` (imported history's newest business message).
 */
export function toApiNumber(
  row: PhoneNumberRow,
  now: number,
  historyActivityAt: number | null = null,
): ApiNumber {
  const seen = [row.last_echo_at, historyActivityAt].filter((at) => at !== null).map(Number);
  const appActivityAt = seen.length > 0 ? Math.max(...seen) : null;
  return {
    id: row.id,
    waba_id: row.waba_id,
    display_phone_number: row.display_phone_number,
    verified_name: row.verified_name,
    is_coexistence: row.is_coexistence === 1,
    connection: {
      state: row.connection_state,
      reason: row.disconnection_reason,
      initiated_by: row.disconnection_initiated_by,
      changed_at: isoOrNull(row.connection_changed_at),
    },
    onboarded_at: isoOrNull(row.onboarded_at),
    history: {
      state: row.history_state,
      progress: Number(row.history_progress),
      error: parseJsonOr<unknown>(row.history_error_json, null),
      last_chunk_at: isoOrNull(row.history_last_chunk_at),
    },
    contacts_sync_state: row.contacts_sync_state,
    last_echo_at: isoOrNull(row.last_echo_at),
    last_app_activity_at: isoOrNull(appActivityAt),
    days_left_before_14_day_rule: daysLeftBefore14DayRule(appActivityAt, now),
    throughput_mps: Number(row.throughput_mps),
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}
