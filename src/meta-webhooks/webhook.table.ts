import type { Generated } from 'kysely';

export type WebhookEventState = 'pending' | 'processed' | 'failed';

/** A webhook delivery as received, stored before it is acknowledged and processed from here. */
export interface WebhookEventTable {
  id: Generated<number>;
  received_at: number;
  path: string;
  body: string;
  state: WebhookEventState;
  attempts: Generated<number>;
  processed_at: number | null;
  error: string | null;
  /** The node that claimed the event for processing, and when. */
  claimed_by: string | null;
  claimed_at: number | null;
}

/** One row per webhook item already applied; the unique key makes redelivery a no-op. */
export interface WebhookItemTable {
  dedup_key: string;
  webhook_event_id: number;
  applied_at: number;
}

/** The inbound Meta webhook log and its dedup keys. */
export interface WebhookTables {
  webhook_events: WebhookEventTable;
  webhook_items: WebhookItemTable;
}
