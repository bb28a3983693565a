import { z } from 'zod';
import { ZPage, ZTimestamp } from '../platform/http/api-schemas.ts';
import { pageQuery } from '../platform/http/pagination.ts';

/** The API contract of processing failures: webhook items the hub could not apply. */

export const ZListFailuresRequest = pageQuery.extend({
  state: z.enum(['open', 'resolved', 'all']).default('open'),
});

/** A webhook item the hub could not apply (`failure.mapper.ts`). */
export const ZFailure = z
  .object({
    id: z.string(),
    webhook_event_id: z.string(),
    item_path: z
      .string()
      .describe(
        'Where the item sits in the stored webhook body, e.g. `entry[0].changes[0].value.messages[1]`',
      ),
    field: z.string().nullable(),
    code: z.string(),
    message: z.string(),
    item: z.unknown(),
    waba_id: z.string().nullable(),
    retry_count: z.number().int(),
    created_at: ZTimestamp,
    resolved_at: ZTimestamp.nullable(),
    state: z.enum(['open', 'resolved']),
  })
  .meta({ id: 'Failure' });

export const ZListFailuresResponse = ZPage(ZFailure);

export const ZRetryFailureResponse = z.object({
  resolved: z.boolean(),
  message: z.string(),
  failure: ZFailure,
});

export type Failure = z.infer<typeof ZFailure>;
