import type { ColumnType, Generated } from 'kysely';

/** State of one send job in the outbox. `done`, `failed` and `cancelled` are final. */
export type OutboxJobState = 'queued' | 'sending' | 'done' | 'unknown' | 'failed' | 'cancelled';

/**
 * One send job per outbound message, written in the same transaction as the message row. The
 * auto-increment id is the order: jobs of one recipient leave strictly in id order.
 */
export interface OutboxJobTable {
  id: Generated<number>;
  message_id: string;
  phone_number_id: string;
  /** The recipient queue (contact id): first in, first out within it. */
  contact_id: string;
  /** 0 = interactive (agent, api, bot), 1 = bulk (campaign); interactive sends overtake bulk ones. */
  priority: number;
  state: OutboxJobState;
  /** Not sent before this time (backoff); null = as soon as the rates allow. */
  not_before: number | null;
  /** Not sent after this time (a campaign's end): still queued then, it fails. Null = no deadline. */
  deadline_at: ColumnType<number | null, number | null | undefined, number | null>;
  attempts: Generated<number>;
  /** X in the 4^X seconds pair-limit backoff (131056). */
  pair_backoffs: Generated<number>;
  /** The lease epoch under which the job was claimed; a new holder marks older `sending` jobs unknown. */
  lease_epoch: number | null;
  claimed_by: string | null;
  dispatched_at: number | null;
  finished_at: number | null;
  last_error_json: string | null;
  created_at: number;
  updated_at: number;
}

/** `Idempotency-Key` records, per principal, kept 24 hours. */
export interface IdempotencyKeyTable {
  principal_id: string;
  key: string;
  request_hash: string;
  state: 'in_flight' | 'done';
  response_status: number | null;
  response_body: string | null;
  created_at: number;
  expires_at: number;
  /** The hub process holding an in-flight key (`<node id>/<instance>`); null on older rows. */
  owner: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Which node sends for a number: one row per number, renewed by its holder, taken over when expired. */
export interface NumberLeaseTable {
  phone_number_id: string;
  holder: string;
  /** Incremented on every change of holder; jobs carry the epoch they were claimed under. */
  epoch: number;
  expires_at: number;
  updated_at: number;
}

/** Per-number sending state shared by every node: a pause (backoff or alert) and why. */
export interface NumberSendStateTable {
  phone_number_id: string;
  paused_until: number | null;
  /** `backoff` lifts itself at `paused_until`; `alert` waits for an operator to resolve the alert. */
  pause_kind: 'backoff' | 'alert' | null;
  pause_reason: string | null;
  alert_id: string | null;
  updated_at: number;
}

/** Account-level problems that need a human (token, restriction, spam limit, unknown error codes). */
export interface AlertTable {
  id: string;
  phone_number_id: string | null;
  waba_id: string | null;
  code: string;
  title: string;
  message: string;
  details_json: string | null;
  count: number;
  first_at: number;
  last_at: number;
  resolved_at: number | null;
  resolved_by: string | null;
}

/** A rate-card entry: price of one delivered message of a category to a country calling code. */
export interface RateCardEntryTable {
  category: string;
  /** Country calling code (`1`, `52`, `44`, …) or `*` for the default. */
  country_code: string;
  /** Price in millionths of the currency unit. */
  price_micros: number;
  currency: string;
  updated_at: number;
}

/** The cost estimate made when a message was queued. */
export interface OutboundCostTable {
  message_id: string;
  phone_number_id: string;
  country_code: string;
  category: string;
  pricing_type: string;
  estimated_micros: number;
  currency: string;
  created_at: number;
}

/** The one-time coexistence sync requests (`smb_app_data`), one row per number and sync type. */
export interface NumberSyncRequestTable {
  phone_number_id: string;
  sync_type: string;
  /** See numbers/request-sync.ts `SyncRequestState`. */
  state: 'requesting' | 'requested' | 'unknown' | 'refused' | 'failed';
  request_id: string | null;
  error_json: string | null;
  requested_at: number;
  updated_at: number;
}

export interface OutboundTables {
  outbox_jobs: OutboxJobTable;
  idempotency_keys: IdempotencyKeyTable;
  number_leases: NumberLeaseTable;
  number_send_state: NumberSendStateTable;
  alerts: AlertTable;
  rate_card_entries: RateCardEntryTable;
  outbound_costs: OutboundCostTable;
  number_sync_requests: NumberSyncRequestTable;
}
