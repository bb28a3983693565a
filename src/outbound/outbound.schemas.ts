import { z } from 'zod';
import { ZMessage } from '../messages/messages.schemas.ts';
import { ZPage, ZTimestamp } from '../platform/http/api-schemas.ts';

/** The API contract of sending: messages, media uploads, alerts. */

/**
 * `POST /api/messages`: a recipient (`conversation_id`, `contact_id`, or `to` with
 * `phone_number_id`), a `type`, and the content object named after it, as in Meta's send API
 * (`{ "type": "text", "text": { "body": "…" } }`); other keys are the content.
 */
export const ZSendMessageRequest = z.looseObject({
  conversation_id: z.string().min(1).optional(),
  contact_id: z.string().min(1).optional(),
  phone_number_id: z.string().min(1).optional(),
  to: z.string().min(1).optional(),
  type: z.string().min(1),
  reply_to: z.string().min(1).optional(),
  origin: z.enum(['api', 'agent', 'bot', 'campaign']).optional(),
});

export const ZCostEstimate = z.object({
  category: z.string(),
  pricing_type: z.string(),
  amount: z.number(),
  currency: z.string(),
});

/** A message the hub sends, with the cost estimated when it was queued. */
export const ZOutboundMessage = ZMessage.extend({ cost_estimate: ZCostEstimate.nullable() }).meta({
  id: 'OutboundMessage',
});

export const ZResolveSendRequest = z.object({
  outcome: z.enum(['sent', 'failed', 'retry']),
  wamid: z.string().min(1).optional(),
});

export const ZMarkMessageReadRequest = z.object({ typing: z.boolean().optional() }).optional();
export const ZMarkMessageReadResponse = z.object({ ok: z.boolean(), typing: z.boolean() });

/** The media bytes as the hub kept them; the content type is the media's own. */
export const ZMessageMediaResponse = {
  content: {
    'application/octet-stream': {
      schema: z
        .custom<Buffer>((value) => Buffer.isBuffer(value))
        .meta({ type: 'string', contentMediaType: 'application/octet-stream' })
        .describe('The media bytes, served with their own content type'),
    },
  },
};

/** `POST /api/media` (multipart/form-data: `phone_number_id`, then `file`). */
export const ZUploadMediaResponse = z.object({
  id: z.string().describe("Meta's media id, for a media send"),
  mime_type: z.string(),
  file_size: z.number().int(),
  filename: z.string(),
});

export const ZListAlertsRequest = z.object({ status: z.enum(['open', 'resolved', 'all']).default('open') });

/** An operational alert (a paused number, an unknown error code…). */
export const ZAlert = z
  .object({
    id: z.string(),
    phone_number_id: z.string().nullable(),
    waba_id: z.string().nullable(),
    code: z.string(),
    title: z.string(),
    message: z.string(),
    details: z.unknown(),
    count: z.number().int(),
    first_at: ZTimestamp.nullable(),
    last_at: ZTimestamp.nullable(),
    resolved_at: ZTimestamp.nullable(),
    resolved_by: z.string().nullable(),
  })
  .meta({ id: 'Alert' });

export const ZListAlertsResponse = ZPage(ZAlert);

export type OutboundMessage = z.infer<typeof ZOutboundMessage>;
export type SendMessageRequest = z.input<typeof ZSendMessageRequest>;
export type Alert = z.infer<typeof ZAlert>;
export type UploadMediaResponse = z.infer<typeof ZUploadMediaResponse>;
