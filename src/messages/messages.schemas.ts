import { z } from 'zod';
import { ZTimestamp } from '../platform/http/api-schemas.ts';
import type { MessageOrigin, MessageStatus } from './message.table.ts';

/** The API contract of a stored message, as the REST API and the realtime stream return it. */

export const ZMessageOrigin = z.enum([
  'customer',
  'business_app',
  'history',
  'api',
  'agent',
  'bot',
  'campaign',
] as const satisfies readonly MessageOrigin[]);

export const ZMessageStatus = z.enum([
  'received',
  'queued',
  'sending',
  'unknown',
  'sent',
  'delivered',
  'read',
  'played',
  'failed',
] as const satisfies readonly MessageStatus[]);

export const ZAuthor = z.object({ id: z.string(), name: z.string().nullable() });

export const ZReaction = z.object({
  from: z.enum(['customer', 'business']),
  emoji: z.string(),
  wamid: z.string().nullable(),
  at: ZTimestamp.nullable(),
});

export const ZMessageError = z.object({
  code: z.union([z.number(), z.string()]).nullable(),
  title: z.string().nullable(),
  message: z.string().nullable(),
});

/** A message (`message.mapper.ts`). */
export const ZMessage = z
  .object({
    id: z.string(),
    wamid: z.string().nullable(),
    conversation_id: z.string(),
    contact_id: z.string(),
    phone_number_id: z.string(),
    direction: z.enum(['inbound', 'outbound']),
    origin: ZMessageOrigin,
    author: ZAuthor.nullable(),
    type: z.string(),
    content: z.unknown().describe("What to display: the latest edit's content if the message was edited"),
    original_content: z.unknown().optional().describe('The content as first received or sent, when edited'),
    edited_at: ZTimestamp.nullable(),
    deleted_at: ZTimestamp.nullable(),
    context: z
      .object({ wamid: z.string().nullable(), message_id: z.string().nullable(), forwarded: z.boolean() })
      .nullable(),
    reactions: z.array(ZReaction),
    referral: z.unknown(),
    timestamp: ZTimestamp,
    status: ZMessageStatus,
    status_at: ZTimestamp.nullable(),
    error: ZMessageError.nullable(),
    pricing: z.unknown(),
    history_status: z.string().nullable(),
    media_url: z.string().nullable().describe("Where the hub serves the message's received media"),
  })
  .meta({ id: 'Message' });

export type Message = z.infer<typeof ZMessage>;
export type MessageError = z.infer<typeof ZMessageError>;
export type Reaction = z.infer<typeof ZReaction>;
