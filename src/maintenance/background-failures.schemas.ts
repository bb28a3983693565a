import { z } from 'zod';
import { ZTimestamp } from '../platform/http/api-schemas.ts';

/** The API contract of background failures: subscriber events and jobs that kept failing. */

export const ZListJobFailuresRequest = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const ZListSubscriberFailuresRequest = ZListJobFailuresRequest.extend({
  state: z.enum(['open', 'retrying', 'failed', 'resolved', 'all']).default('open'),
});

/** An event a durable subscriber could not handle (`subscriber_failures`). */
export const ZSubscriberFailure = z
  .object({
    subscriber: z.string(),
    event_id: z.string(),
    event_type: z.string().describe('The catalogue event type, e.g. `message.received`'),
    phone_number_id: z.string().nullable(),
    state: z.enum(['retrying', 'failed', 'resolved']),
    attempts: z.number().int(),
    error: z.string(),
    next_attempt_at: ZTimestamp.nullable(),
    created_at: ZTimestamp,
    updated_at: ZTimestamp,
  })
  .meta({ id: 'SubscriberFailure' });

/** A job that spent its attempts (one-off), or whose last run did (recurring). */
export const ZJobFailure = z
  .object({
    id: z.string(),
    job: z.string().describe('The job definition, e.g. `templates.sync`'),
    state: z.enum(['pending', 'running', 'done', 'failed']),
    recurring: z.boolean(),
    attempts: z.number().int(),
    error: z.string().nullable(),
    failed_at: ZTimestamp.nullable(),
    next_run_at: ZTimestamp.nullable(),
  })
  .meta({ id: 'JobFailure' });

export const ZListSubscriberFailuresResponse = z.object({ data: z.array(ZSubscriberFailure) });
export const ZListJobFailuresResponse = z.object({ data: z.array(ZJobFailure) });
export const ZSubscriberFailureParams = z.object({
  subscriber: z.string().min(1),
  event_id: z.string().regex(/^\d{1,15}$/, 'must be an event id'),
});
export const ZRetryAcceptedResponse = z.object({ retrying: z.literal(true) });
