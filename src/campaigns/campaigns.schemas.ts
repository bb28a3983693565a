import { z } from 'zod';
import { ZSegmentFilter } from '../audiences/segment-filter.ts';
import { ZTimestamp } from '../platform/http/api-schemas.ts';

/** The API contract of campaigns. */

/**
 * Where one template parameter's value comes from: a contact attribute (or `profile_name`,
 * `first_name`, `wa_id`), else a fixed `value`, else the `fallback`.
 */
export const ZParameterMapping = z
  .object({
    attribute: z.string().min(1).max(100).optional(),
    value: z.string().min(1).max(1024).optional(),
    fallback: z.string().min(1).max(1024).optional(),
  })
  .refine((m) => m.attribute || m.value || m.fallback, 'give an attribute, a value or a fallback');

/**
 * A media header's file for every recipient: a fixed HTTPS link or uploaded media id, or a link
 * read from a contact attribute (with the fixed one as its fallback).
 */
export const ZMediaHeaderParameter = z
  .object({
    type: z.enum(['image', 'video', 'document']),
    link: z.url({ protocol: /^https?$/ }).optional(),
    id: z
      .string()
      .regex(/^\d{1,30}$/)
      .optional(),
    attribute: z.string().min(1).max(100).optional(),
    /** A document's file name as the customer sees it. */
    filename: z.string().min(1).max(240).optional(),
  })
  .refine((m) => m.link || m.id || m.attribute, 'give a link, a media id or an attribute');

export const ZCampaignParameters = z.object({
  header: z
    .union([ZMediaHeaderParameter, z.array(ZParameterMapping), z.record(z.string(), ZParameterMapping)])
    .optional(),
  body: z.union([z.array(ZParameterMapping), z.record(z.string(), ZParameterMapping)]).optional(),
  /** URL and copy-code buttons by index (`"1"`), each with its one parameter. */
  buttons: z.record(z.string().regex(/^\d+$/), ZParameterMapping).optional(),
});

export const ZAudience = z.union([
  z.object({ segment_id: z.string().min(1) }),
  z.object({ filter: ZSegmentFilter }),
  z.object({ contact_ids: z.array(z.string().min(1)).min(1).max(100_000) }),
]);

/** A local date and time in the business's time zone (`2026-12-24T09:30` in `Europe/Madrid`). */
export const ZSchedule = z.object({
  local_time: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, 'YYYY-MM-DDTHH:mm'),
  time_zone: z.string().min(1).max(64),
});

export const ZCreateCampaignRequest = z.object({
  name: z.string().min(1).max(200),
  phone_number_id: z.string().min(1),
  template: z.object({ name: z.string().min(1), language: z.string().min(1) }),
  parameters: ZCampaignParameters.default({}),
  audience: ZAudience,
});

export const ZStartCampaignRequest = z
  .object({
    /** Absent: send now. */
    schedule: ZSchedule.optional(),
  })
  .optional();

export const ZCostLine = z.object({
  category: z.string(),
  country_code: z.string(),
  pricing_type: z.string(),
  messages: z.number().int(),
  unit_price: z.number(),
  amount: z.number(),
});

export const ZCostEstimate = z
  .object({
    currency: z.string(),
    recipients: z.number().int(),
    /** Recipients the send policy will refuse now (no consent under the number's policy, opted out). */
    excluded: z.record(z.string(), z.number().int()),
    billable_messages: z.number().int(),
    total: z.number(),
    lines: z.array(ZCostLine),
    at: ZTimestamp,
  })
  .meta({ id: 'CampaignCostEstimate' });

export const ZCampaignProgress = z
  .object({
    recipients: z.number().int(),
    pending: z.number().int(),
    queued: z.number().int(),
    sent: z.number().int(),
    delivered: z.number().int(),
    read: z.number().int(),
    failed: z.number().int(),
    refused: z.number().int(),
    cancelled: z.number().int(),
    replied: z.number().int(),
    button_taps: z.number().int(),
    opted_out_after: z.number().int(),
    failed_by_reason: z.record(z.string(), z.number().int()),
    refused_by_reason: z.record(z.string(), z.number().int()),
  })
  .meta({ id: 'CampaignProgress' });

export const ZCampaign = z
  .object({
    id: z.string(),
    name: z.string(),
    phone_number_id: z.string(),
    template: z.object({
      name: z.string(),
      language: z.string(),
      category: z.string().nullable(),
      /** The template's review status now (a campaign pauses itself when it is not APPROVED). */
      status: z.string().nullable(),
    }),
    parameters: z.record(z.string(), z.unknown()),
    audience: z.record(z.string(), z.unknown()),
    state: z.enum(['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled']),
    scheduled_at: ZTimestamp.nullable(),
    time_zone: z.string().nullable(),
    estimate: ZCostEstimate.nullable(),
    started_at: ZTimestamp.nullable(),
    finished_at: ZTimestamp.nullable(),
    created_by: z.string().nullable(),
    created_at: ZTimestamp,
    progress: ZCampaignProgress,
  })
  .meta({ id: 'Campaign' });

export const ZCampaignResponse = z.object({ data: ZCampaign });
export const ZListCampaignsResponse = z.object({
  data: z.array(ZCampaign),
  next_cursor: z.string().nullable(),
});
export const ZEstimateResponse = z.object({ data: ZCostEstimate });

export const ZCampaignReport = z
  .object({
    campaign: ZCampaign,
    cost: z.object({
      currency: z.string(),
      estimated: z.number(),
      actual: z.number(),
      /** Messages whose status carried Meta's pricing. */
      priced_messages: z.number().int(),
      by_category: z.array(
        z.object({
          category: z.string(),
          messages: z.number().int(),
          estimated: z.number(),
          actual: z.number(),
        }),
      ),
    }),
    /** Sent, delivered, read and replied per hour since the start (UTC hours). */
    timeline: z.array(
      z.object({
        hour: ZTimestamp,
        sent: z.number().int(),
        delivered: z.number().int(),
        read: z.number().int(),
        replied: z.number().int(),
      }),
    ),
    buttons: z.array(z.object({ payload: z.string(), taps: z.number().int() })),
  })
  .meta({ id: 'CampaignReport' });

export const ZCampaignReportResponse = z.object({ data: ZCampaignReport });

export type CampaignParameters = z.infer<typeof ZCampaignParameters>;
export type ParameterMapping = z.infer<typeof ZParameterMapping>;
export type MediaHeaderParameter = z.infer<typeof ZMediaHeaderParameter>;
export type Audience = z.infer<typeof ZAudience>;
export type CostEstimate = z.infer<typeof ZCostEstimate>;
export type CampaignProgress = z.infer<typeof ZCampaignProgress>;
export type CreateCampaignRequest = z.infer<typeof ZCreateCampaignRequest>;
export type ApiCampaign = z.infer<typeof ZCampaign>;

/** A message of a conversation that a campaign sent, or a customer's reply to one (the inbox marks both). */
export const ZCampaignMark = z
  .object({
    message_id: z.string(),
    campaign_id: z.string(),
    campaign_name: z.string(),
    kind: z.enum(['sent', 'reply']),
  })
  .meta({ id: 'CampaignMark' });
export const ZCampaignMarksRequest = z.object({ conversation_id: z.string().min(1) });
export const ZCampaignMarksResponse = z.object({ data: z.array(ZCampaignMark) });
export type CampaignMark = z.infer<typeof ZCampaignMark>;
