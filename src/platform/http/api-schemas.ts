import { z } from 'zod';
import { type ErrorCode, errorCatalogue } from '../errors.ts';

/**
 * Building blocks of the API contract that every feature's `*.schemas.ts` shares: the one error
 * body, cursor pages, id parameters. Response schemas serialise the reply (unknown fields are
 * dropped) and feed the OpenAPI document at `GET /api/openapi.json`.
 */

const errorCodes = Object.keys(errorCatalogue) as [ErrorCode, ...ErrorCode[]];

/** The JSON body of every error (`docs/errors.md`). */
export const ZErrorResponse = z
  .object({
    // Loose so a field added to the body later is never dropped by serialisation.
    error: z.looseObject({
      code: z.enum(errorCodes).describe('A stable code from docs/errors.md'),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });

/**
 * The error responses every `/api` route may give, spread into a route's `response`:
 * `response: { 200: ZThing, ...errorResponses }`.
 */
export const errorResponses = { '4xx': ZErrorResponse, '5xx': ZErrorResponse } as const;

/** `204 No Content`. */
export const ZNoContent = z.undefined().describe('No content');

/** A cursor page of `item`. */
export function ZPage<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable() });
}

/** `:id` in a route path. */
export const ZIdParams = z.object({ id: z.string().min(1) });

/** An ISO-8601 timestamp as the API writes it. */
export const ZTimestamp = z.string().describe('ISO-8601 timestamp');
