import { z } from 'zod';
import { ZMessageOrigin } from '../messages/messages.schemas.ts';
import { ZTimestamp } from '../platform/http/api-schemas.ts';

/** The API contract of search: `GET /api/search`. */

export const ZSearchRequest = z.object({
  q: z.string().trim().min(1).max(200).describe('Words to find (prefixes; any case and accents)'),
  phone_number_id: z.string().min(1).optional(),
  conversation_id: z.string().min(1).optional().describe('Search only this conversation (no contacts then)'),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export const ZSearchSegment = z
  .object({ text: z.string(), match: z.boolean() })
  .meta({ id: 'SearchSegment', description: 'A piece of text; `match` marks a word the query found' });

export const ZSearchMessageHit = z
  .object({
    message_id: z.string(),
    conversation_id: z.string(),
    phone_number_id: z.string(),
    contact_id: z.string(),
    contact_name: z.string().nullable(),
    timestamp: ZTimestamp,
    direction: z.enum(['inbound', 'outbound']),
    origin: ZMessageOrigin,
    snippet: z.array(ZSearchSegment),
  })
  .meta({ id: 'SearchMessageHit' });

export const ZSearchContactHit = z
  .object({
    contact_id: z.string(),
    phone_number_id: z.string(),
    conversation_id: z.string().nullable(),
    display_name: z.string().nullable(),
    wa_id: z.string().nullable(),
    names: z.array(ZSearchSegment),
  })
  .meta({ id: 'SearchContactHit' });

export const ZSearchResponse = z.object({
  q: z.string(),
  messages: z.array(ZSearchMessageHit),
  contacts: z.array(ZSearchContactHit),
});

export type SearchResponse = z.infer<typeof ZSearchResponse>;
export type SearchMessageHit = z.infer<typeof ZSearchMessageHit>;
export type SearchContactHit = z.infer<typeof ZSearchContactHit>;
export type SearchSegment = z.infer<typeof ZSearchSegment>;
