import { parseJsonOr } from '../platform/json.ts';
import { isoOrNull } from '../platform/time.ts';
import type { FailureRow } from './failure.table.ts';

/** A webhook item the hub could not apply, as `GET /api/failures` returns it. */
export type ApiFailure = {
  id: string;
  webhook_event_id: string;
  /** Where the item sits in the stored webhook body, e.g. `entry[0].changes[0].value.messages[1]`. */
  item_path: string;
  field: string | null;
  code: string;
  message: string;
  item: unknown;
  /** The business account of the webhook entry, when known. */
  waba_id: string | null;
  retry_count: number;
  created_at: string;
  resolved_at: string | null;
  state: 'open' | 'resolved';
};

export function toApiFailure(row: FailureRow, wabaId: string | null = null): ApiFailure {
  return {
    id: row.id,
    webhook_event_id: String(row.webhook_event_id),
    item_path: row.item_path,
    field: row.field,
    code: row.code,
    message: row.message,
    item: parseJsonOr<unknown>(row.item_json, null),
    waba_id: wabaId,
    retry_count: Number(row.retry_count),
    created_at: new Date(row.created_at).toISOString(),
    resolved_at: isoOrNull(row.resolved_at),
    state: row.resolved_at === null ? 'open' : 'resolved',
  };
}
