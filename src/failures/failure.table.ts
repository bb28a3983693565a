import type { Generated, Selectable } from 'kysely';

/** A webhook item the hub could not apply; kept until resolved or retried. */
export interface ProcessingFailureTable {
  id: string;
  webhook_event_id: number;
  item_path: string;
  field: string | null;
  code: string;
  message: string;
  item_json: string | null;
  created_at: number;
  retry_count: Generated<number>;
  resolved_at: number | null;
}

export type FailureRow = Selectable<ProcessingFailureTable>;

export interface FailureTables {
  processing_failures: ProcessingFailureTable;
}
