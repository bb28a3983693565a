import { z } from 'zod';
import { eventTypes } from '../../platform/events/catalogue.ts';
import { ZPage, ZTimestamp } from '../../platform/http/api-schemas.ts';
import { pageQuery } from '../../platform/http/pagination.ts';

/** The API contract of outbound webhooks (`docs/integrations.md`). */

const ZEventType = z.enum(eventTypes as [string, ...string[]]).describe('An event type of the catalogue');

export const ZEndpointCreate = z.object({
  url: z.string().min(1).max(2_000).describe('http(s) URL that receives the POSTs'),
  description: z.string().max(500).default(''),
  event_types: z.array(ZEventType).min(1).max(eventTypes.length),
  waba_id: z
    .string()
    .min(1)
    .optional()
    .describe('Receive only this business account; required for scoped callers'),
  ed25519: z
    .boolean()
    .default(false)
    .describe('Also sign with Ed25519 (v1a); receivers verify with the public_key, no shared secret'),
});

export const ZEndpointUpdate = z.object({
  url: z.string().min(1).max(2_000).optional(),
  description: z.string().max(500).optional(),
  event_types: z.array(ZEventType).min(1).max(eventTypes.length).optional(),
  enabled: z.boolean().optional().describe('true re-enables a disabled endpoint'),
  ed25519: z
    .boolean()
    .optional()
    .describe('true adds v1a (Ed25519) signatures with a new key pair; false drops them'),
});

export const ZEndpoint = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string(),
    event_types: z.array(z.string()),
    waba_id: z.string().nullable(),
    enabled: z.boolean(),
    disabled_reason: z.string().nullable(),
    disabled_at: ZTimestamp.nullable(),
    failing_since: ZTimestamp.nullable(),
    rotation_ends_at: ZTimestamp.nullable().describe('While set, the previous secret signs too'),
    signatures: z.array(z.enum(['v1', 'v1a'])).describe('The schemes in webhook-signature'),
    public_key: z.string().nullable().describe('whpk_ Ed25519 public key that verifies v1a signatures'),
    created_at: ZTimestamp,
  })
  .meta({ id: 'WebhookEndpoint' });

export const ZEndpointList = z.object({ data: z.array(ZEndpoint) });

export const ZEndpointWithSecret = ZEndpoint.extend({
  secret: z.string().describe('whsec_ secret: shown on creation and rotation'),
}).meta({ id: 'WebhookEndpointWithSecret' });

export const ZRotateRequest = z
  .object({
    overlap_seconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .default(86_400)
      .describe('How long the previous secret keeps signing beside the new one'),
  })
  // A POST with no body (Fastify hands the schema null) rotates with the default overlap.
  .nullish();

export const ZRotateResponse = z.object({
  secret: z.string(),
  public_key: z.string().nullable().describe('The new v1a public key, when the endpoint signs with Ed25519'),
  previous_secret_expires_at: ZTimestamp.nullable(),
});

export const ZDelivery = z
  .object({
    id: z.string(),
    endpoint_id: z.string(),
    event_id: z.number().int(),
    event_type: z.string(),
    message_id: z.string().describe('The webhook-id header'),
    state: z.enum(['pending', 'succeeded', 'failed']),
    attempts: z.number().int(),
    next_attempt_at: ZTimestamp.nullable(),
    last_status: z.number().int().nullable(),
    last_error: z.string().nullable(),
    created_at: ZTimestamp,
  })
  .meta({ id: 'WebhookDelivery' });

export const ZDeliveryList = ZPage(ZDelivery);

export const ZDeliveryQuery = pageQuery.extend({
  state: z.enum(['pending', 'succeeded', 'failed']).optional(),
});

export const ZAttempt = z.object({
  attempt: z.number().int(),
  at: ZTimestamp,
  request_headers: z.record(z.string(), z.string()),
  response_status: z.number().int().nullable(),
  response_headers: z.record(z.string(), z.string()).nullable(),
  response_body: z.string().nullable().describe('At most 4 KiB'),
  error: z.string().nullable(),
  duration_ms: z.number().int(),
});

export const ZDeliveryDetail = ZDelivery.extend({
  request_body: z.string().describe('The exact JSON body sent'),
  attempts_log: z.array(ZAttempt),
}).meta({ id: 'WebhookDeliveryDetail' });

export const ZRecoverRequest = z.object({ since: z.iso.datetime({ offset: true }) });
export const ZRecoverResponse = z.object({ created: z.number().int(), resent: z.number().int() });
export const ZResendResponse = z.object({ resent: z.boolean() });

export const ZEventTypeList = z.object({
  data: z.array(z.object({ type: z.string(), description: z.string() })),
});

export const ZDeliveryParams = z.object({ id: z.string().min(1), deliveryId: z.string().min(1) });

export type WebhookEndpoint = z.infer<typeof ZEndpoint>;
export type WebhookEndpointWithSecret = z.infer<typeof ZEndpointWithSecret>;
export type WebhookEndpointCreate = z.input<typeof ZEndpointCreate>;
export type WebhookEndpointUpdate = z.infer<typeof ZEndpointUpdate>;
export type WebhookDelivery = z.infer<typeof ZDelivery>;
export type WebhookDeliveryDetail = z.infer<typeof ZDeliveryDetail>;
export type WebhookRotateResponse = z.infer<typeof ZRotateResponse>;
export type WebhookRecoverResponse = z.infer<typeof ZRecoverResponse>;
