import { z } from 'zod';
import { ZPage, ZTimestamp } from '../platform/http/api-schemas.ts';
import { ZRole } from '../users/users.schemas.ts';
import { TOKEN_SCOPES } from './principal.ts';

export const ZTokenScope = z
  .enum(TOKEN_SCOPES)
  .describe(
    'read: GET only; send: also messages, conversation actions and contacts; admin: all its role allows',
  );

const ZRateLimit = z
  .number()
  .int()
  .min(1)
  .max(100_000)
  .describe('Requests per minute this token may make (429 RATE_LIMITED with Retry-After beyond)');

/** The API contract of API tokens. */

export const ZCreateTokenRequest = z.object({
  name: z.string().trim().min(1).max(200),
  role: ZRole.default('agent'),
  /** Restricts the token to one business account; omitted = the caller's scope (all, or its only one). */
  waba_id: z.string().min(1).nullable().optional(),
  scope: ZTokenScope.default('admin'),
  /** Omitted = the hub's default (600 a minute). */
  rate_limit_per_minute: ZRateLimit.nullable().optional(),
});

/** A token as listed; the secret itself is shown only once, on creation. */
export const ZApiToken = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    role: ZRole,
    waba_id: z.string().nullable(),
    user_id: z.string().nullable(),
    scope: ZTokenScope,
    rate_limit_per_minute: z.number().int().describe('Requests per minute'),
    created_at: ZTimestamp,
    last_used_at: ZTimestamp.nullable(),
    revoked_at: ZTimestamp.nullable(),
  })
  .meta({ id: 'ApiToken' });

export const ZListTokensResponse = ZPage(ZApiToken);

export const ZCreateTokenResponse = z.object({
  id: z.string(),
  token: z.string().describe('The secret, shown only in this response'),
  name: z.string(),
  role: ZRole,
  waba_id: z.string().nullable(),
  scope: ZTokenScope,
  rate_limit_per_minute: z.number().int(),
  prefix: z.string(),
  created_at: ZTimestamp,
});

export type ApiToken = z.infer<typeof ZApiToken>;
export type CreateTokenRequest = z.input<typeof ZCreateTokenRequest>;
export type CreateTokenResponse = z.infer<typeof ZCreateTokenResponse>;
