import { z } from 'zod';
import { ZTimestamp } from '../platform/http/api-schemas.ts';

/** The API contract of the realtime stream and its JSON catch-up. */

const eventId = z.string().regex(/^\d{1,15}$/, 'must be an event id');

export const ZEventsRequest = z.object({
  since: eventId.optional().describe('Answer with JSON: the events after this id'),
  last_event_id: eventId.optional().describe('Resume the stream after this id (or send `Last-Event-ID`)'),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
  access_token: z.string().optional().describe('A bearer token, for a browser `EventSource`'),
});

/** A domain event as the stream and `GET /api/events?since=` send it. */
export const ZEvent = z
  .object({
    id: z.string(),
    type: z.string().describe('The stream notice (`message.added`, …): what to look at again'),
    fact: z.string().nullable().describe('The catalogue event it reports (`message.received`, …)'),
    phone_number_id: z.string().nullable(),
    created_at: ZTimestamp.nullable(),
    payload: z.unknown(),
  })
  .meta({ id: 'Event' });

export const ZEventsResponse = z.object({ data: z.array(ZEvent), last_event_id: z.string() });

/** `200` is JSON with `?since=`, else a `text/event-stream` of `id:`/`event:`/`data:` frames of {@link ZEvent}. */
export const ZEventsResponses = {
  content: {
    'application/json': { schema: ZEventsResponse },
    'text/event-stream': { schema: z.string().describe('Server-sent events; each `data:` is an Event') },
  },
};

export type ApiEvent = z.infer<typeof ZEvent>;
