import { z } from 'zod';
import { ZPage, ZTimestamp } from '../platform/http/api-schemas.ts';
import { WEEKDAYS } from '../platform/schedule.ts';
import { ZRuleAction, ZRuleCondition, ZRuleTrigger } from './rule.schemas.ts';
import { RUN_REASON_CODES, STEP_CODES } from './rule-run-codes.ts';

/** The API contract of automation: rules and their run log, control of a conversation, settings, business hours, VIPs. */

export const ZRule = z
  .object({
    id: z.string(),
    phone_number_id: z.string().nullable(),
    name: z.string(),
    enabled: z.boolean(),
    position: z.number().int(),
    trigger: ZRuleTrigger,
    conditions: z.array(ZRuleCondition),
    actions: z.array(ZRuleAction),
    created_at: ZTimestamp,
    updated_at: ZTimestamp,
  })
  .meta({ id: 'AutomationRule' });

export const ZListRulesResponse = ZPage(ZRule);
export const ZListRulesQuery = z.object({ phone_number_id: z.string().min(1).optional() });

export const ZCreateRuleRequest = z.object({
  name: z.string().trim().min(1).max(200),
  /** Null or absent: every number. */
  phone_number_id: z.string().min(1).nullable().optional(),
  enabled: z.boolean().default(true),
  position: z.number().int().min(0).max(100_000).optional(),
  trigger: ZRuleTrigger,
  conditions: z.array(ZRuleCondition).max(20).default([]),
  actions: z.array(ZRuleAction).min(1).max(20),
});

export const ZUpdateRuleRequest = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  phone_number_id: z.string().min(1).nullable().optional(),
  enabled: z.boolean().optional(),
  position: z.number().int().min(0).max(100_000).optional(),
  trigger: ZRuleTrigger.optional(),
  conditions: z.array(ZRuleCondition).max(20).optional(),
  actions: z.array(ZRuleAction).min(1).max(20).optional(),
});

export const ZRuleRun = z
  .object({
    id: z.number().int(),
    rule_id: z.string(),
    conversation_id: z.string().nullable(),
    phone_number_id: z.string().nullable(),
    trigger: z.string(),
    outcome: z.enum(['done', 'skipped', 'failed']),
    /** Why the rule did nothing (a condition not met, no action possible) or failed, in English. */
    reason: z.string().nullable(),
    /** `reason` as a stable code (`condition_not_met`, `no_action`, `action_failed`) and its values. */
    reason_code: z.enum(RUN_REASON_CODES).nullable(),
    reason_params: z.record(z.string(), z.string()).nullable(),
    steps: z.array(
      z.object({
        action: z.string(),
        ok: z.boolean(),
        /** What the action did, or why not, in English. */
        detail: z.string(),
        /** `detail` as a stable code (`rule-run-codes.ts`) and its values; absent on runs logged before codes. */
        code: z.enum(STEP_CODES).optional(),
        params: z.record(z.string(), z.string()).optional(),
      }),
    ),
    created_at: ZTimestamp,
  })
  .meta({ id: 'AutomationRun' });

export const ZListRunsResponse = ZPage(ZRuleRun);
export const ZListRunsQuery = z.object({
  conversation_id: z.string().min(1).optional(),
  rule_id: z.string().min(1).optional(),
  /** Only runs with this outcome (`skipped`: the rule did nothing, with why). */
  outcome: z.enum(['done', 'skipped', 'failed']).optional(),
  /** Runs at or after this instant (ISO 8601). */
  from: z.iso.datetime({ offset: true }).optional(),
  /** Runs before this instant (ISO 8601). */
  to: z.iso.datetime({ offset: true }).optional(),
  /** Runs with a smaller id (the `next_cursor` of the previous page). */
  before: z.coerce.number().int().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const ZControl = z
  .object({
    conversation_id: z.string(),
    state: z.enum(['automation', 'human']),
    reason: z.enum(['vip', 'keep_with_humans', 'human_control', 'human_replied']).nullable(),
    since: ZTimestamp.nullable(),
    /** Who took it: a user or token (inbox, API), the owner on the phone, or a rule (`system`). */
    by: z
      .object({ kind: z.enum(['user', 'token', 'owner', 'system']), id: z.string().nullable() })
      .nullable(),
    paused_until: ZTimestamp.nullable(),
    keep_with_humans: z.boolean(),
    active_flow_run_id: z.string().nullable(),
    last_human_reply_at: ZTimestamp.nullable(),
  })
  .meta({ id: 'ConversationControl' });

export const ZAutomationSettings = z
  .object({
    phone_number_id: z.string(),
    /** Minutes of human silence after which automation may speak again (default 30). */
    human_silence_minutes: z.number().int(),
    /** The loop breaker: automated messages per conversation per hour (default 20). */
    loop_cap_per_hour: z.number().int(),
  })
  .meta({ id: 'AutomationSettings' });

export const ZPutAutomationSettingsRequest = z.object({
  human_silence_minutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60),
  loop_cap_per_hour: z.number().int().min(1).max(1000),
});

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM');
const interval = z.tuple([hhmm, hhmm]).refine(([a, b]) => a < b, 'an interval ends after it starts');
const weekly = z.object(
  Object.fromEntries(WEEKDAYS.map((d) => [d, z.array(interval).max(6).optional()])),
) as z.ZodType<Partial<Record<(typeof WEEKDAYS)[number], [string, string][]>>>;

export const ZBusinessHours = z
  .object({
    phone_number_id: z.string(),
    /** IANA time zone, e.g. `America/Mexico_City`. */
    time_zone: z.string(),
    weekly,
    /** Local dates closed all day. */
    holidays: z.array(z.string()),
    out_of_hours_text: z.string().nullable(),
    /** Whether the number is open right now. */
    open_now: z.boolean(),
    updated_at: ZTimestamp,
  })
  .meta({ id: 'BusinessHours' });

export const ZPutBusinessHoursRequest = z.object({
  time_zone: z.string().min(1).max(100),
  weekly,
  holidays: z
    .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD'))
    .max(400)
    .default([]),
  out_of_hours_text: z.string().trim().min(1).max(4096).nullable().default(null),
});

export const ZVip = z
  .object({
    contact_id: z.string(),
    phone_number_id: z.string(),
    wa_id: z.string().nullable(),
    name: z.string().nullable(),
    note: z.string().nullable(),
    created_at: ZTimestamp,
  })
  .meta({ id: 'VipContact' });

export const ZListVipsResponse = ZPage(ZVip);
export const ZAddVipRequest = z.object({
  contact_id: z.string().min(1),
  note: z.string().max(1000).nullable().optional(),
});
export const ZNumberParams = z.object({ id: z.string().min(1) });
export const ZContactParams = z.object({ contactId: z.string().min(1) });

export const ZReorderRulesRequest = z.object({
  /** Every rule's id, in the order they run (first runs first). */
  ids: z.array(z.string().min(1)).min(1).max(1000),
});

export const ZAutomatedOrigin = z
  .object({
    message_id: z.string(),
    /** A bot flow or a rule (the out-of-hours reply is a rule of the business hours). */
    kind: z.enum(['flow', 'rule']),
    /** The flow's or rule's id; null for the out-of-hours reply or a flow run no longer found. */
    id: z.string().nullable(),
    /** The flow's name and version, or the rule's name. */
    name: z.string(),
    step_id: z.string().nullable(),
    /** Why it did not go: a human reply cancelled it. */
    cancel_reason: z.string().nullable(),
  })
  .meta({ id: 'AutomatedOrigin' });

export const ZAutomatedOriginsResponse = z.object({ data: z.array(ZAutomatedOrigin) });

export type ApiRule = z.infer<typeof ZRule>;
export type ApiAutomatedOrigin = z.infer<typeof ZAutomatedOrigin>;
export type ApiRuleRun = z.infer<typeof ZRuleRun>;
export type ApiControl = z.infer<typeof ZControl>;
export type ApiBusinessHours = z.infer<typeof ZBusinessHours>;
export type ApiVip = z.infer<typeof ZVip>;
export type ApiAutomationSettings = z.infer<typeof ZAutomationSettings>;
