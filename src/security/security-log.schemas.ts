import { z } from 'zod';
import { ZPage, ZTimestamp } from '../platform/http/api-schemas.ts';
import { SECURITY_EVENT_KINDS } from './security-log.ts';

/** The API contract of the security log (`GET /api/security-log`, owners and admins). */

export const ZSecurityEventKind = z.enum(SECURITY_EVENT_KINDS);

export const ZListSecurityLogRequest = z.object({
  kind: ZSecurityEventKind.optional(),
  outcome: z.enum(['succeeded', 'failed', 'refused']).optional(),
  user_id: z.string().min(1).max(100).optional().describe('Entries whose target or actor is this user'),
  email: z.string().min(1).max(320).optional(),
  /** Entries older than this id (the previous page's `next_cursor`). */
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, 'must be an entry id')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const ZSecurityLogEntry = z
  .object({
    id: z.string(),
    at: ZTimestamp,
    kind: ZSecurityEventKind,
    outcome: z.enum(['succeeded', 'failed', 'refused']),
    actor_user_id: z.string().nullable(),
    actor_token_id: z.string().nullable(),
    target_user_id: z.string().nullable(),
    target_token_id: z.string().nullable(),
    email: z.string().nullable(),
    ip: z.string().nullable(),
    user_agent: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'SecurityLogEntry' });

export const ZListSecurityLogResponse = ZPage(ZSecurityLogEntry);
export type SecurityLogEntry = z.infer<typeof ZSecurityLogEntry>;
