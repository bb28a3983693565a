import { z } from 'zod';
import { ZMessage } from '../messages/messages.schemas.ts';
import { ZPage, ZTimestamp } from '../platform/http/api-schemas.ts';

/** The API contract of unknown sends: the list and the bulk resolve. */

/** `GET /api/messages/unknown`: filters, then a cursor page in the order the sends were queued. */
export const ZListUnknownSendsRequest = z.object({
  phone_number_id: z.string().min(1).optional(),
  contact_id: z.string().min(1).optional(),
  /** Only sends whose outcome became unknown at or after this time. */
  since: z.iso.datetime({ offset: true }).optional(),
  /** Only sends whose outcome became unknown before this time. */
  until: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().regex(/^\d+$/, 'a next_cursor from an earlier page').optional(),
});

/** One send whose outcome is unknown: the message, why, since when, and who waits behind it. */
export const ZUnknownSend = z
  .object({
    message: ZMessage,
    recipient: z.object({
      contact_id: z.string(),
      wa_id: z.string().nullable(),
      bsuid: z.string().nullable(),
    }),
    unknown_since: ZTimestamp,
    attempts: z.number().int(),
    reason: z.string().nullable().describe('Why the outcome is unknown (timeout, lost answer, node stopped)'),
    waiting: z
      .number()
      .int()
      .describe(
        "The recipient's later messages still queued (they wait for this one; see docs/reliability.md)",
      ),
  })
  .meta({ id: 'UnknownSend' });

export const ZListUnknownSendsResponse = ZPage(ZUnknownSend);

/** `POST /api/messages/resolve`: up to 500 unknown sends, each with the operator's outcome. */
export const ZResolveSendsRequest = z.object({
  items: z
    .array(
      z.object({
        id: z.string().min(1),
        outcome: z.enum(['sent', 'failed', 'retry']),
        wamid: z.string().min(1).optional(),
      }),
    )
    .min(1)
    .max(500),
});

/** One result per item, in the order given: the new status, or why that item was refused. */
export const ZResolveSendsResponse = z.object({
  results: z.array(
    z.union([
      z.object({ id: z.string(), ok: z.literal(true), status: z.enum(['sent', 'failed', 'queued']) }),
      z.object({
        id: z.string(),
        ok: z.literal(false),
        error: z.object({ code: z.string(), message: z.string(), status: z.string().nullable() }),
      }),
    ]),
  ),
});

export type UnknownSend = z.infer<typeof ZUnknownSend>;
export type ResolveSendsRequest = z.infer<typeof ZResolveSendsRequest>;
export type ResolveSendsResponse = z.infer<typeof ZResolveSendsResponse>;
