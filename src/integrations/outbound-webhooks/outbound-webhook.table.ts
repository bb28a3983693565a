import type { ColumnType, Generated, Selectable } from 'kysely';

type Optional<T> = ColumnType<T | null, T | null | undefined, T | null>;

/**
 * An outbound webhook endpoint (a CRM, a tool): where to POST which event types, signed per
 * Standard Webhooks 1.0 with its `whsec_` secret. During a rotation the previous secret signs too,
 * until `previous_secret_expires_at`.
 */
export interface WebhookEndpointTable {
  id: string;
  url: string;
  description: string;
  /** The catalogue event types it receives, a JSON array of names. */
  event_types_json: string;
  /** The business account whose events it receives; null = every one (unscoped admins only). */
  waba_id: string | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: number | null;
  /** The `whsk_` Ed25519 secret key of `v1a` signatures (sealed like `secret`); null = `v1` only. */
  signing_key: Optional<string>;
  /** The key that signed before the last rotation, while `previous_secret_expires_at` is ahead. */
  previous_signing_key: Optional<string>;
  /** The `whpk_` public key receivers verify `v1a` with (not secret). */
  public_key: Optional<string>;
  /** 1 = receives deliveries; 0 = disabled (by an operator, on 410 Gone or after 5 days of failure). */
  enabled: number;
  disabled_reason: string | null;
  disabled_at: number | null;
  /** When the current run of failures began; null after a success. */
  failing_since: number | null;
  created_at: number;
  updated_at: number;
}

/** A state of a delivery: `pending` (an attempt is due), `succeeded` or `failed` (final until a resend). */
export type WebhookDeliveryState = 'pending' | 'succeeded' | 'failed';

/** One event for one endpoint; unique per (endpoint, event), so a redelivered event is one delivery. */
export interface WebhookDeliveryTable {
  id: string;
  endpoint_id: string;
  event_id: number;
  event_type: string;
  /** The `webhook-id` header: stable across retries and resends. */
  message_id: string;
  /** The exact JSON body sent. */
  body: string;
  state: WebhookDeliveryState;
  /** Attempts made since the delivery was created or last resent. */
  attempts: number;
  next_attempt_at: number | null;
  last_status: number | null;
  last_error: string | null;
  /** Counts resends, so each resend's job key is new. */
  generation: number;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

/** One HTTP attempt of a delivery, with the request and response (bounded; never the secret). */
export interface WebhookAttemptTable {
  id: Generated<number>;
  delivery_id: string;
  attempt: number;
  at: number;
  request_headers_json: string;
  response_status: number | null;
  response_headers_json: string | null;
  response_body: string | null;
  error: string | null;
  duration_ms: number;
}

export type WebhookEndpointRow = Selectable<WebhookEndpointTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveryTable>;
export type WebhookAttemptRow = Selectable<WebhookAttemptTable>;

export interface OutboundWebhookTables {
  webhook_endpoints: WebhookEndpointTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_attempts: WebhookAttemptTable;
}
