import type { Selectable } from 'kysely';

/** How a check stands: fine, needs attention soon, broken now, or not known (no data, Graph unreachable). */
export type CheckState = 'ok' | 'warning' | 'failing' | 'unknown';

/** The last result of one sync-health check of one number; `since` is when it entered that state. */
export interface SyncHealthCheckTable {
  phone_number_id: string;
  check_name: string;
  state: CheckState;
  summary: string;
  details_json: string | null;
  since: number;
  checked_at: number;
}

export type SyncHealthCheckRow = Selectable<SyncHealthCheckTable>;

export interface SyncHealthTables {
  sync_health_checks: SyncHealthCheckTable;
}
