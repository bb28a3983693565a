import { z } from 'zod';

/** The API contract of the analytics reports (`docs/metrics.md` defines every number). */

export const ZReportRequest = z.object({
  from: z
    .string()
    .optional()
    .describe('ISO-8601 start (inclusive, aligned down to 15 min); default 30 days before `to`'),
  to: z.string().optional().describe('ISO-8601 end (exclusive, aligned up to 15 min); default now'),
  time_zone: z.string().default('UTC').describe('IANA time zone for days and hours'),
  phone_number_id: z
    .string()
    .optional()
    .describe('Only this number (default: every number the caller may see)'),
  business_hours: z
    .enum(['true', 'false'])
    .default('false')
    .describe('Durations counted inside each number’s business hours only'),
});
export type ReportRequest = z.infer<typeof ZReportRequest>;

const ZDistribution = z
  .object({
    count: z.number().int(),
    mean: z.number().nullable(),
    median: z.number().nullable(),
    p90: z.number().nullable(),
  })
  .describe('Milliseconds; mean exact, median and p90 within 5% (log-histogram bins)');

const ZCsat = z.object({
  sent: z.number().int(),
  responses: z.number().int(),
  score: z.number().nullable().describe('Share of ratings 4 or 5 (0-1)'),
  response_rate: z.number().nullable().describe('Responses ÷ surveys sent (0-1)'),
  average: z.number().nullable(),
  distribution: z.array(z.number().int()).length(5).describe('Count of ratings 1, 2, 3, 4 and 5'),
});

export const ZCoreMetrics = z.object({
  conversations_opened: z.number().int(),
  conversations_reopened: z.number().int(),
  conversations_resolved: z.number().int(),
  messages_received: z.number().int(),
  messages_sent: z.number().int(),
  first_response_time: ZDistribution,
  reply_time: ZDistribution,
  resolution_time: ZDistribution,
  bot_engaged: z.number().int(),
  bot_handoffs: z.number().int(),
  handoff_rate: z.number().nullable(),
  bot_resolved: z.number().int(),
  bot_contained: z.number().int(),
  bot_containment: z.number().nullable(),
  csat: ZCsat,
});

const ZRange = z.object({
  from: z.string(),
  to: z.string(),
  time_zone: z.string(),
  business_hours: z.boolean(),
});

export const ZOverviewResponse = ZRange.extend({
  totals: ZCoreMetrics,
  series: z.array(
    z.object({
      day: z.string().describe('YYYY-MM-DD in the time zone'),
      conversations_opened: z.number().int(),
      conversations_resolved: z.number().int(),
      messages_received: z.number().int(),
      messages_sent: z.number().int(),
      first_response_time_mean: z.number().nullable(),
      resolution_time_mean: z.number().nullable(),
    }),
  ),
});

export const ZGroupedResponse = ZRange.extend({
  data: z.array(
    z.object({
      id: z.string().describe('The agent, team or number; "" for none (unassigned, no team)'),
      name: z.string().nullable(),
      metrics: ZCoreMetrics,
    }),
  ),
});

export const ZRespondersResponse = ZRange.extend({
  data: z.array(
    z.object({
      responder: z.enum(['agent', 'business_app', 'bot', 'api', 'campaign']),
      messages_sent: z.number().int(),
      first_responses: z.number().int(),
      first_response_share: z.number().nullable(),
      first_response_time: ZDistribution,
      reply_time: ZDistribution,
    }),
  ),
});

export const ZBusiestHoursResponse = ZRange.extend({
  data: z.array(
    z.object({
      weekday: z.number().int().describe('0 = Sunday'),
      hour: z.number().int(),
      messages: z.number().int(),
    }),
  ),
});

export const ZCostsReportResponse = ZRange.extend({
  currency: z.string(),
  free_service_window_share: z.number().nullable(),
  rows: z.array(
    z.object({
      phone_number_id: z.string(),
      category: z.string().describe('marketing, utility, authentication, service, free_entry_point, …'),
      messages: z.number().int(),
      charged: z.number().int(),
      free_customer_service: z.number().int(),
      free_entry_point: z.number().int(),
      cost: z.number(),
      free_service_window_share: z.number().nullable(),
    }),
  ),
});

const ZRate = z.number().nullable();
export const ZCampaignsReportResponse = ZRange.extend({
  currency: z.string(),
  data: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      phone_number_id: z.string(),
      template_name: z.string(),
      template_language: z.string(),
      state: z.string(),
      started_at: z.string().nullable(),
      finished_at: z.string().nullable(),
      recipients: z.number().int(),
      sent: z.number().int(),
      delivered: z.number().int(),
      read: z.number().int(),
      failed: z.number().int(),
      refused: z.number().int(),
      replied: z.number().int(),
      button_taps: z.number().int(),
      opted_out_after: z.number().int(),
      /** Delivered ÷ (sent + failed). */
      delivery_rate: ZRate,
      /** Read ÷ delivered. */
      read_rate: ZRate,
      /** Replied ÷ delivered. */
      reply_rate: ZRate,
      /** In the currency: estimated when queued, and actual from Meta's pricing of the statuses. */
      cost_estimated: z.number(),
      cost_actual: z.number(),
      priced_messages: z.number().int(),
      costs_by_category: z.array(
        z.object({
          category: z.string(),
          messages: z.number().int(),
          estimated: z.number(),
          actual: z.number(),
        }),
      ),
    }),
  ),
});

export const ZRecomputeResponse = z.object({
  events: z.number().int(),
  from_id: z.number().int().nullable(),
  to_id: z.number().int(),
  since: z.string().nullable(),
  rollup_rows: z.number().int(),
  conversations: z.number().int(),
});

const ZInterval = z.object({
  day: z.number().int().min(0).max(6),
  start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  end: z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/),
});

export const ZNumberSettings = z.object({
  phone_number_id: z.string(),
  time_zone: z.string(),
  business_hours: z.array(ZInterval).nullable(),
  /** Local dates (`YYYY-MM-DD`) closed all day: no business time is counted on them. */
  holidays: z
    .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/))
    .max(400)
    .default([]),
  first_response_target_minutes: z.number().int().positive().nullable(),
  resolution_target_minutes: z.number().int().positive().nullable(),
  csat_enabled: z.boolean(),
  csat_question: z.string().max(1024).nullable(),
  csat_template: z.object({ name: z.string().min(1), language: z.string().min(2) }).nullable(),
});
export const ZNumberSettingsList = z.object({ data: z.array(ZNumberSettings) });
export const ZSetNumberSettings = ZNumberSettings.omit({ phone_number_id: true });
export const ZNumberParams = z.object({ phone_number_id: z.string() });

export const ZSlaBreachesRequest = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  phone_number_id: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const ZSlaBreachesResponse = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      conversation_id: z.string(),
      phone_number_id: z.string(),
      kind: z.enum(['first_response', 'resolution']),
      target_ms: z.number().int(),
      due_at: z.string(),
      assignee_user_id: z.string().nullable(),
      team_id: z.string().nullable(),
      created_at: z.string(),
    }),
  ),
});

export const ZCsatResponsesRequest = ZSlaBreachesRequest;
export const ZCsatResponse = z.object({
  id: z.string(),
  conversation_id: z.string(),
  phone_number_id: z.string(),
  channel: z.enum(['interactive', 'template']),
  assignee_user_id: z.string().nullable(),
  team_id: z.string().nullable(),
  sent_at: z.string(),
  rating: z.number().int().nullable(),
  comment: z.string().nullable(),
  rated_at: z.string().nullable(),
});
export const ZCsatResponsesResponse = z.object({ data: z.array(ZCsatResponse) });
export const ZConversationParams = z.object({ id: z.string() });
