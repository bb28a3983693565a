import { z } from 'zod';

/**
 * A rule's parts (when → if → then), as the API accepts them and as `automation_rules` stores them
 * (JSON columns, parsed again with these schemas when a rule runs).
 */

const id = z.string().min(1).max(200);
const shortText = z.string().trim().min(1).max(1000);

export const ZRuleTrigger = z
  .discriminatedUnion('type', [
    /** The first live customer message of a conversation. */
    z.object({ type: z.literal('conversation_opened') }),
    z.object({ type: z.literal('customer_message') }),
    z.object({
      type: z.literal('keyword'),
      keywords: z.array(z.string().trim().min(1).max(100)).min(1).max(50),
      /** `word`: a whole word of the text; `exact`: the whole text; `contains`: anywhere. Case and accents ignored. */
      match: z.enum(['word', 'exact', 'contains']).default('word'),
    }),
    z.object({
      type: z.literal('pattern'),
      /** A JavaScript regular expression (case-insensitive), tested on the first 1,000 characters. */
      regex: z
        .string()
        .min(1)
        .max(200)
        .refine((s) => {
          try {
            new RegExp(s, 'iu');
            return true;
          } catch {
            return false;
          }
        }, 'not a valid regular expression'),
    }),
    /** A Click-to-WhatsApp ad's referral; `source_id` limits it to one ad. */
    z.object({ type: z.literal('referral'), source_id: z.string().min(1).max(200).optional() }),
    /** A template's quick-reply button tapped; `payload` limits it to one button. */
    z.object({ type: z.literal('quick_reply'), payload: z.string().min(1).max(1000).optional() }),
    /** A customer writes while the number's business hours are closed. */
    z.object({ type: z.literal('outside_business_hours') }),
    /** No human replied within `minutes` of a customer message (a job). */
    z.object({ type: z.literal('no_human_reply'), minutes: z.number().int().min(1).max(10_080) }),
    z.object({ type: z.literal('label_added'), label_id: id }),
    z.object({ type: z.literal('conversation_resolved') }),
  ])
  .meta({ id: 'RuleTrigger' });

export const ZRuleCondition = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('number'), phone_number_ids: z.array(id).min(1).max(100) }),
    z.object({
      type: z.literal('contact_attribute'),
      key: z.string().min(1).max(100),
      op: z.enum(['equals', 'not_equals', 'contains', 'exists', 'not_exists']),
      value: z.string().max(1000).optional(),
    }),
    z.object({ type: z.literal('label'), label_id: id, present: z.boolean().default(true) }),
    z.object({
      type: z.literal('message_text'),
      op: z.enum(['contains', 'equals', 'starts_with']),
      value: shortText,
    }),
    /** The contact's `language` attribute (set by a flow or an agent), e.g. `es`, `pt-BR`. */
    z.object({ type: z.literal('language'), languages: z.array(z.string().min(2).max(20)).min(1).max(20) }),
    z.object({ type: z.literal('vip'), value: z.boolean() }),
    z.object({ type: z.literal('window_open'), value: z.boolean() }),
    z.object({ type: z.literal('business_hours'), value: z.enum(['open', 'closed']) }),
    z.object({ type: z.literal('assigned'), value: z.boolean() }),
  ])
  .meta({ id: 'RuleCondition' });

const templateRef = z.object({
  name: z.string().min(1).max(512),
  language: z.string().min(2).max(20),
  parameters: z.record(z.string(), z.string()).optional(),
});

export const ZRuleAction = z
  .discriminatedUnion('type', [
    /**
     * Sends a message (text, media, interactive buttons or list: `POST /api/messages`'s content);
     * with `template_if_window_closed`, the template goes instead when the window is closed.
     */
    z.object({
      type: z.literal('send'),
      content: z.record(z.string(), z.unknown()),
      template_if_window_closed: templateRef.optional(),
    }),
    z.object({
      type: z.literal('assign_policy'),
      policy_id: id.optional(),
      team_id: id.optional(),
      skills: z.array(z.string().min(1).max(100)).max(20).optional(),
      language: z.string().min(2).max(20).optional(),
    }),
    z.object({ type: z.literal('assign_team'), team_id: id }),
    z.object({ type: z.literal('assign_agent'), user_id: id }),
    z.object({ type: z.literal('label'), label_id: id }),
    z.object({
      type: z.literal('set_attribute'),
      key: z.string().min(1).max(100),
      value: z.string().max(1000),
    }),
    z.object({ type: z.literal('note'), body: z.string().trim().min(1).max(10_000) }),
    z.object({ type: z.literal('resolve') }),
    z.object({ type: z.literal('snooze'), minutes: z.number().int().min(1).max(43_200) }),
    z.object({ type: z.literal('start_flow'), flow_id: id }),
    /** Humans take over (the bot stays silent until hand back or resolve), routed by a policy or team. */
    z.object({
      type: z.literal('hand_off'),
      policy_id: id.optional(),
      team_id: id.optional(),
      skills: z.array(z.string().min(1).max(100)).max(20).optional(),
      note: z.string().trim().min(1).max(10_000).optional(),
    }),
  ])
  .meta({ id: 'RuleAction' });

export type RuleTrigger = z.infer<typeof ZRuleTrigger>;
export type RuleCondition = z.infer<typeof ZRuleCondition>;
export type RuleAction = z.infer<typeof ZRuleAction>;
