import { z } from 'zod';
import { ZTimestamp } from '../platform/http/api-schemas.ts';

/** The API contract of message costs and the rate card. */

export const ZCostsRequest = z.object({
  from: z.string().optional().describe('ISO-8601; default 30 days before `to`'),
  to: z.string().optional().describe('ISO-8601; default now'),
  phone_number_id: z.string().optional(),
});

/** Estimated (at send time, from the rate card) and actual (Meta's `pricing`) costs by number, UTC day and category. */
export const ZCostsResponse = z.object({
  currency: z.string(),
  from: ZTimestamp,
  to: ZTimestamp,
  data: z.array(
    z.object({
      phone_number_id: z.string(),
      day: z.string().describe('YYYY-MM-DD (UTC)'),
      category: z.string(),
      messages: z.number().int(),
      estimated: z.number(),
      actual: z.number(),
      messages_with_actual_pricing: z.number().int(),
    }),
  ),
  totals: z.object({ estimated: z.number(), actual: z.number(), messages: z.number().int() }),
});

export const ZSetRateCardRequest = z.object({
  currency: z.string().length(3).default('USD'),
  prices: z.array(
    z.object({
      category: z.string().min(1),
      country_code: z.string().regex(/^(\*|\d{1,4})$/),
      price: z.number().min(0),
    }),
  ),
});

export const ZRateCardResponse = z.object({
  currency: z.string(),
  prices: z
    .record(z.string(), z.record(z.string(), z.number()))
    .describe('category → country calling code (or `*`) → price in micros'),
});

export type CostsResponse = z.infer<typeof ZCostsResponse>;
