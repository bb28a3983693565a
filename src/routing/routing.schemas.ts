import { z } from 'zod';
import { ZPage, ZTimestamp } from '../platform/http/api-schemas.ts';
import { WEEKDAYS } from '../platform/schedule.ts';

/** The API contract of routing: policies, agents' routing profiles, the queue and each decision's reason. */

export const ZRoutingPolicy = z
  .object({
    id: z.string(),
    name: z.string(),
    phone_number_id: z.string().nullable(),
    team_id: z.string().nullable(),
    strategy: z.enum(['round_robin', 'balanced']),
    match_skills: z.boolean(),
    match_language: z.boolean(),
    require_available: z.boolean(),
    default_capacity: z.number().int(),
    created_at: ZTimestamp,
    updated_at: ZTimestamp,
  })
  .meta({ id: 'RoutingPolicy' });

export const ZListRoutingPoliciesResponse = ZPage(ZRoutingPolicy);

export const ZCreateRoutingPolicyRequest = z.object({
  name: z.string().trim().min(1).max(200),
  phone_number_id: z.string().min(1).nullable().default(null),
  team_id: z.string().min(1).nullable().default(null),
  strategy: z.enum(['round_robin', 'balanced']),
  match_skills: z.boolean().default(true),
  match_language: z.boolean().default(true),
  require_available: z.boolean().default(true),
  default_capacity: z.number().int().min(1).max(1000).default(10),
});

export const ZUpdateRoutingPolicyRequest = ZCreateRoutingPolicyRequest.partial();

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM');
const weekly = z.object(
  Object.fromEntries(
    WEEKDAYS.map((d) => [
      d,
      z
        .array(z.tuple([hhmm, hhmm]).refine(([a, b]) => a < b, 'an interval ends after it starts'))
        .max(6)
        .optional(),
    ]),
  ),
) as z.ZodType<Partial<Record<(typeof WEEKDAYS)[number], [string, string][]>>>;

export const ZAgentRouting = z
  .object({
    user_id: z.string(),
    skills: z.array(z.string()),
    languages: z.array(z.string()),
    /** Open conversations the agent may hold; null = the policy's default. */
    capacity: z.number().int().nullable(),
    time_zone: z.string().nullable(),
    /** Null = always working. */
    working_hours: weekly.nullable(),
    /** Open conversations assigned now. */
    open_conversations: z.number().int(),
  })
  .meta({ id: 'AgentRouting' });

export const ZPutAgentRoutingRequest = z.object({
  skills: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
  languages: z.array(z.string().trim().min(2).max(20)).max(20).default([]),
  capacity: z.number().int().min(1).max(1000).nullable().default(null),
  time_zone: z.string().min(1).max(100).nullable().default(null),
  working_hours: weekly.nullable().default(null),
});

export const ZRoutingQueueEntry = z
  .object({
    conversation_id: z.string(),
    phone_number_id: z.string(),
    policy_id: z.string().nullable(),
    team_id: z.string().nullable(),
    skills: z.array(z.string()),
    language: z.string().nullable(),
    reason: z.string(),
    queued_at: ZTimestamp,
  })
  .meta({ id: 'RoutingQueueEntry' });

export const ZListRoutingQueueResponse = ZPage(ZRoutingQueueEntry);

export const ZRoutingDecision = z
  .object({
    id: z.number().int(),
    conversation_id: z.string(),
    policy_id: z.string().nullable(),
    user_id: z.string().nullable(),
    outcome: z.enum(['assigned', 'queued', 'skipped']),
    /** The policy, what was asked, every candidate with why it was (not) eligible, and a summary. */
    why: z.record(z.string(), z.unknown()),
    created_at: ZTimestamp,
  })
  .meta({ id: 'RoutingDecision' });

export const ZListRoutingDecisionsResponse = ZPage(ZRoutingDecision);

export const ZRouteRequest = z.object({
  policy_id: z.string().min(1).optional(),
  team_id: z.string().min(1).optional(),
  skills: z.array(z.string().min(1).max(100)).max(20).optional(),
  language: z.string().min(2).max(20).optional(),
});

export const ZRouteResponse = z.object({ decision: ZRoutingDecision });
export const ZUserParams = z.object({ userId: z.string().min(1) });

export type ApiRoutingPolicy = z.infer<typeof ZRoutingPolicy>;
export type ApiAgentRouting = z.infer<typeof ZAgentRouting>;
export type ApiRoutingDecision = z.infer<typeof ZRoutingDecision>;
