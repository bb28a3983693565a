import { iso, isoOrNull } from '../../platform/time.ts';
import { eventTypesOf } from './endpoint.queries.ts';
import type { WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow } from './outbound-webhook.table.ts';

/** An endpoint as the API shows it: never its secrets. */
export function endpointToApi(row: WebhookEndpointRow, now: number) {
  const rotating = row.previous_secret !== null && (row.previous_secret_expires_at ?? 0) > now;
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    event_types: eventTypesOf(row),
    waba_id: row.waba_id,
    enabled: row.enabled === 1,
    disabled_reason: row.disabled_reason,
    disabled_at: isoOrNull(row.disabled_at),
    failing_since: isoOrNull(row.failing_since),
    rotation_ends_at: rotating ? isoOrNull(row.previous_secret_expires_at) : null,
    signatures: row.signing_key ? ['v1' as const, 'v1a' as const] : ['v1' as const],
    public_key: row.signing_key ? row.public_key : null,
    created_at: iso(Number(row.created_at)),
  };
}

export function deliveryToApi(row: WebhookDeliveryRow) {
  return {
    id: row.id,
    endpoint_id: row.endpoint_id,
    event_id: Number(row.event_id),
    event_type: row.event_type,
    message_id: row.message_id,
    state: row.state,
    attempts: row.attempts,
    next_attempt_at: isoOrNull(row.next_attempt_at),
    last_status: row.last_status,
    last_error: row.last_error,
    created_at: iso(Number(row.created_at)),
  };
}

export function attemptToApi(row: WebhookAttemptRow) {
  return {
    attempt: row.attempt,
    at: iso(Number(row.at)),
    request_headers: JSON.parse(row.request_headers_json) as Record<string, string>,
    response_status: row.response_status,
    response_headers: row.response_headers_json
      ? (JSON.parse(row.response_headers_json) as Record<string, string>)
      : null,
    response_body: row.response_body,
    error: row.error,
    duration_ms: row.duration_ms,
  };
}
