import type { Kysely, Selectable } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { sharedRowsApplyTo } from '../auth/organisation-scope.ts';
import type { ContactTable } from '../contacts/contact.table.ts';
import type { ConversationTable } from '../conversations/conversation.table.ts';
import { isWindowOpen } from '../conversations/window.ts';
import type { DB } from '../database.ts';
import { applyConversationPatch } from '../inbox/conversation-actions.ts';
import { snoozeInTransaction } from '../inbox/snooze.ts';
import type { Actor, DomainEvent } from '../platform/events/catalogue.ts';
import { insertThenRecord, recordEvent } from '../platform/events/record-event.ts';
import { enqueueJob } from '../platform/jobs/job.repository.ts';
import { parseJsonOr } from '../platform/json.ts';
import { type RouteWhy, routeConversation } from '../routing/route.ts';
import { sendAutomated } from './automated-send.ts';
import type { AutomationRuleRow, RunOutcome } from './automation.table.ts';
import { numberIsOpen } from './business-hours.ts';
import { takeOverByHuman } from './control.ts';
import { flowPort } from './flow-port.ts';
import {
  type RuleAction,
  type RuleCondition,
  type RuleTrigger,
  ZRuleAction,
  ZRuleCondition,
  ZRuleTrigger,
} from './rule.schemas.ts';
import { ruleActionJob } from './rule-action.job.ts';
import type { RunReasonCode, StepCode } from './rule-run-codes.ts';

/**
 * Rules: when (a trigger) → if (every condition) → then (the actions, in order). The engine
 * (`engine.subscriber.ts`) and the time-based jobs find the rules a fact triggers and run them here,
 * in their transaction. Actions call the same use-cases an agent's actions do: sends go through
 * `sendAutomated` (the one send path, the handoff and the loop breaker), assignment, labels,
 * resolve and snooze through the inbox's `applyConversationPatch`, routing through
 * `routeConversation`; notes and attributes are queued as a job that calls `addNote` and
 * `setContactAttributes`. Every run is logged (`automation_runs`): what each action did, or why the
 * rule did nothing.
 */

type Db = Kysely<DB>;

/** A rule with its parts parsed; a stored part that no longer parses disables the rule at run time. */
export type ParsedRule = {
  readonly row: AutomationRuleRow;
  readonly trigger: RuleTrigger;
  readonly conditions: RuleCondition[];
  readonly actions: RuleAction[];
};

export function parseRule(row: AutomationRuleRow): ParsedRule | null {
  const trigger = ZRuleTrigger.safeParse(parseJsonOr(row.trigger_json, null));
  const conditions = ZRuleCondition.array().safeParse(parseJsonOr(row.conditions_json, null));
  const actions = ZRuleAction.array().safeParse(parseJsonOr(row.actions_json, null));
  if (!trigger.success || !conditions.success || !actions.success) return null;
  return { row, trigger: trigger.data, conditions: conditions.data, actions: actions.data };
}

/** The enabled rules of a number (its own and those for every number), in order. */
export async function rulesFor(db: Db, phoneNumberId: string): Promise<ParsedRule[]> {
  const rows = await db
    .selectFrom('automation_rules')
    .selectAll()
    .where('enabled', '=', 1)
    .where((eb) => eb.or([eb('phone_number_id', '=', phoneNumberId), eb('phone_number_id', 'is', null)]))
    .orderBy('position')
    .orderBy('created_at')
    .execute();
  // A rule for every number is the default organisation's: never another organisation's numbers.
  const shared = rows.some((r) => r.phone_number_id === null) && (await sharedRowsApplyTo(db, phoneNumberId));
  return rows
    .filter((r) => r.phone_number_id !== null || shared)
    .map(parseRule)
    .filter((r): r is ParsedRule => r !== null);
}

/** Lower case without accents: "Horário" and "horario" match. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
}

/** The words a customer wrote, from any message type that carries text. */
export function messageText(type: string, contentJson: string): string {
  const c = parseJsonOr<Record<string, unknown>>(contentJson, {});
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  switch (type) {
    case 'text':
      return str(c.body);
    case 'button':
      return str(c.text) || str(c.payload);
    case 'interactive': {
      const reply = (c.button_reply ?? c.list_reply) as Record<string, unknown> | undefined;
      return reply ? str(reply.title) : '';
    }
    default:
      return str(c.caption);
  }
}

/** The payload of a template's quick-reply button tap, if the message is one. */
export function quickReplyPayload(type: string, contentJson: string): string | null {
  if (type !== 'button') return null;
  const c = parseJsonOr<Record<string, unknown>>(contentJson, {});
  return typeof c.payload === 'string' ? c.payload : null;
}

/** What a trigger is matched against. */
export type TriggerFact =
  | {
      readonly kind: 'message';
      readonly type: string;
      readonly contentJson: string;
      readonly referralJson: string | null;
      readonly firstOfConversation: boolean;
      readonly outsideHours: boolean;
    }
  | { readonly kind: 'no_human_reply'; readonly ruleId: string }
  | { readonly kind: 'label_added'; readonly labelIds: readonly string[] }
  | { readonly kind: 'resolved' };

export function triggerMatches(trigger: RuleTrigger, fact: TriggerFact, ruleId: string): boolean {
  if (fact.kind === 'no_human_reply') return trigger.type === 'no_human_reply' && fact.ruleId === ruleId;
  if (fact.kind === 'label_added')
    return trigger.type === 'label_added' && fact.labelIds.includes(trigger.label_id);
  if (fact.kind === 'resolved') return trigger.type === 'conversation_resolved';
  const text = fold(messageText(fact.type, fact.contentJson));
  switch (trigger.type) {
    case 'customer_message':
      return true;
    case 'conversation_opened':
      return fact.firstOfConversation;
    case 'keyword':
      return trigger.keywords.some((k) => {
        const word = fold(k);
        if (trigger.match === 'exact') return text === word;
        if (trigger.match === 'contains') return text.includes(word);
        return ` ${text.replace(/[^\p{L}\p{N}]+/gu, ' ')} `.includes(` ${word} `);
      });
    case 'pattern':
      return new RegExp(trigger.regex, 'iu').test(messageText(fact.type, fact.contentJson).slice(0, 1000));
    case 'referral': {
      if (!fact.referralJson) return false;
      if (!trigger.source_id) return true;
      return parseJsonOr<Record<string, unknown>>(fact.referralJson, {}).source_id === trigger.source_id;
    }
    case 'quick_reply': {
      const payload = quickReplyPayload(fact.type, fact.contentJson);
      return payload !== null && (!trigger.payload || payload === trigger.payload);
    }
    case 'outside_business_hours':
      return fact.outsideHours;
    default:
      return false;
  }
}

/** What a run looks at besides the rule. */
export type RunContext = {
  readonly deps: AppDeps;
  readonly trx: Db;
  readonly now: number;
  readonly conversation: Selectable<ConversationTable>;
  readonly contact: Selectable<ContactTable>;
  /** The customer message the run answers, if any. */
  readonly message: { readonly id: string; readonly type: string; readonly contentJson: string } | null;
  readonly vip: boolean;
  /** A flow already answered this message: send actions stand down. */
  readonly flowHandled: boolean;
};

async function conditionHolds(ctx: RunContext, condition: RuleCondition): Promise<boolean> {
  const attributes = parseJsonOr<Record<string, unknown>>(ctx.contact.attributes_json, {});
  switch (condition.type) {
    case 'number':
      return condition.phone_number_ids.includes(ctx.conversation.phone_number_id);
    case 'contact_attribute': {
      const raw = attributes[condition.key];
      const value = raw === undefined || raw === null ? null : String(raw);
      if (condition.op === 'exists') return value !== null && value !== '';
      if (condition.op === 'not_exists') return value === null || value === '';
      if (value === null) return condition.op === 'not_equals';
      const want = fold(condition.value ?? '');
      if (condition.op === 'equals') return fold(value) === want;
      if (condition.op === 'not_equals') return fold(value) !== want;
      return fold(value).includes(want);
    }
    case 'label': {
      const row = await ctx.trx
        .selectFrom('conversation_labels')
        .select('label_id')
        .where('conversation_id', '=', ctx.conversation.id)
        .where('label_id', '=', condition.label_id)
        .executeTakeFirst();
      return (row !== undefined) === condition.present;
    }
    case 'message_text': {
      if (!ctx.message) return false;
      const text = fold(messageText(ctx.message.type, ctx.message.contentJson));
      const want = fold(condition.value);
      if (condition.op === 'equals') return text === want;
      if (condition.op === 'starts_with') return text.startsWith(want);
      return text.includes(want);
    }
    case 'language': {
      const lang = typeof attributes.language === 'string' ? fold(attributes.language) : null;
      if (!lang) return false;
      return condition.languages.some(
        (l) => fold(l) === lang || fold(l).split('-')[0] === lang.split('-')[0],
      );
    }
    case 'vip':
      return ctx.vip === condition.value;
    case 'window_open':
      return isWindowOpen(ctx.conversation, ctx.now) === condition.value;
    case 'business_hours':
      return (
        (await numberIsOpen(ctx.trx, ctx.conversation.phone_number_id, ctx.now)) ===
        (condition.value === 'open')
      );
    case 'assigned':
      return (ctx.conversation.assignee_user_id !== null) === condition.value;
  }
}

/** One action's line in the run log: the English `detail`, and its `code` and `params` (runs logged before codes had none). */
export type Step = {
  readonly action: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly code?: StepCode;
  readonly params?: Readonly<Record<string, string>>;
};

const line = (
  action: string,
  ok: boolean,
  code: StepCode,
  detail: string,
  params?: Record<string, string>,
): Step => ({ action, ok, detail, code, ...(params ? { params } : {}) });

/** A routing decision as a step's params: its code and values (`route`, `open`, `capacity`, …). */
const routeParams = (why: RouteWhy): Record<string, string> => ({ route: why.code, ...(why.params ?? {}) });

const runReason = {
  conditionNotMet: (index: number, condition: string) => `condition ${index} (${condition}) not met`,
  noAction: 'no action could be done (see steps)',
  actionFailed: (action: string) => `action ${action} failed`,
};

/** The code and values of a run's reason (those above, as `runRule` writes them); null for another text. */
export function runReasonCode(
  reason: string | null,
): { code: RunReasonCode; params: Record<string, string> } | null {
  if (reason === null) return null;
  if (reason === runReason.noAction) return { code: 'no_action', params: {} };
  const condition = /^condition (\d+) \(([a-z_]+)\) not met$/.exec(reason);
  if (condition) {
    return {
      code: 'condition_not_met',
      params: { index: condition[1] as string, condition: condition[2] as string },
    };
  }
  const failed = /^action ([a-z_]+) failed$/.exec(reason);
  if (failed) return { code: 'action_failed', params: { action: failed[1] as string } };
  return null;
}

function templateContent(ref: {
  name: string;
  language: string;
  parameters?: Record<string, string> | undefined;
}) {
  return {
    type: 'template',
    template: {
      name: ref.name,
      language: ref.language,
      ...(ref.parameters ? { parameters: ref.parameters } : {}),
    },
  };
}

async function currentLabels(trx: Db, conversationId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('conversation_labels')
    .select('label_id')
    .where('conversation_id', '=', conversationId)
    .execute();
  return rows.map((r) => r.label_id);
}

async function labelUsable(trx: Db, labelId: string, phoneNumberId: string): Promise<boolean> {
  const row = await trx
    .selectFrom('labels')
    .innerJoin('phone_numbers', (j) => j.on('phone_numbers.id', '=', phoneNumberId))
    .select(['labels.id', 'labels.waba_id'])
    .where('labels.id', '=', labelId)
    .where((eb) =>
      eb.or([eb('labels.waba_id', 'is', null), eb('labels.waba_id', '=', eb.ref('phone_numbers.waba_id'))]),
    )
    .executeTakeFirst();
  // A label shared by every account is the default organisation's (`auth/scope.ts`).
  return row !== undefined && (row.waba_id !== null || (await sharedRowsApplyTo(trx, phoneNumberId)));
}

async function conversationNow(trx: Db, id: string) {
  return trx.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** What a run carries from one action to the next. */
type RunState = {
  /** The messages this run's send actions queued so far: its hand off lets them go (`spare`). */
  readonly queued: string[];
};

async function runAction(
  ctx: RunContext,
  rule: ParsedRule,
  action: RuleAction,
  state: RunState,
): Promise<Step> {
  const { trx, now, deps } = ctx;
  const conversationId = ctx.conversation.id;
  const actor: Actor = { kind: 'system', id: `rule:${rule.row.id}` };
  const patch = async (p: Parameters<typeof applyConversationPatch>[1]['patch']) =>
    applyConversationPatch(trx, { row: await conversationNow(trx, conversationId), patch: p, actor, now });
  switch (action.type) {
    case 'send': {
      if (ctx.flowHandled) return line('send', false, 'flow_answered', 'a flow answered this message');
      // The window moves only with inbound customer messages, never within a run: the run's row has it.
      const closed = !isWindowOpen(ctx.conversation, now);
      const content =
        closed && action.template_if_window_closed
          ? templateContent(action.template_if_window_closed)
          : action.content;
      const result = await sendAutomated(deps, trx, {
        conversationId,
        origin: 'rule',
        originRef: rule.row.id,
        content,
        // The window and the contact's consent do not move within a run (the send policy looks at
        // nothing else of them), so the run's rows serve.
        rows: { conversation: ctx.conversation, contact: ctx.contact },
      });
      if (!result.sent) {
        return line('send', false, 'refused', `${result.reason}: ${result.message}`, {
          reason: result.reason,
        });
      }
      state.queued.push(result.messageId);
      return line(
        'send',
        true,
        closed && action.template_if_window_closed ? 'queued_template' : 'queued',
        `queued message ${result.messageId}${closed ? ' (template: window closed)' : ''}`,
        { message_id: result.messageId },
      );
    }
    case 'assign_policy':
    case 'assign_team': {
      if (ctx.vip) return line(action.type, false, 'vip_left_to_owner', 'VIP contact: left to the owner');
      const result = await routeConversation(deps, trx, {
        conversationId,
        teamId: action.team_id ?? null,
        policyId: action.type === 'assign_policy' ? (action.policy_id ?? null) : null,
        skills: action.type === 'assign_policy' ? (action.skills ?? []) : [],
        language: action.type === 'assign_policy' ? (action.language ?? null) : null,
        reason: `rule:${rule.row.id}`,
      });
      return result.outcome === 'assigned'
        ? line(action.type, true, 'assigned', `assigned to ${result.userId}: ${result.why.summary}`, {
            user_id: result.userId,
            ...routeParams(result.why),
          })
        : line(action.type, false, 'not_assigned', result.why.summary, routeParams(result.why));
    }
    case 'assign_agent': {
      if (ctx.vip) return line('assign_agent', false, 'vip_left_to_owner', 'VIP contact: left to the owner');
      const user = await trx
        .selectFrom('users')
        .select(['id', 'role', 'disabled_at'])
        .where('id', '=', action.user_id)
        .executeTakeFirst();
      if (!user || user.disabled_at !== null || user.role === 'auditor') {
        return line('assign_agent', false, 'agent_inactive', 'the agent is not an active user', {
          user_id: action.user_id,
        });
      }
      await patch({ assignee_user_id: action.user_id });
      return line('assign_agent', true, 'assigned', `assigned to ${action.user_id}`, {
        user_id: action.user_id,
      });
    }
    case 'label': {
      if (!(await labelUsable(trx, action.label_id, ctx.conversation.phone_number_id))) {
        return line('label', false, 'label_unknown', 'no such label for this business account', {
          label_id: action.label_id,
        });
      }
      const labels = await currentLabels(trx, conversationId);
      if (labels.includes(action.label_id)) {
        return line('label', true, 'already_labelled', 'already labelled', { label_id: action.label_id });
      }
      await patch({ labels: [...labels, action.label_id] });
      return line('label', true, 'labelled', `labelled ${action.label_id}`, { label_id: action.label_id });
    }
    case 'resolve':
      await patch({ status: 'resolved' });
      return line('resolve', true, 'resolved', 'resolved');
    case 'snooze': {
      // The inbox's own snooze: the same job wakes it, and a customer who writes brings it back.
      const until = now + action.minutes * 60_000;
      await snoozeInTransaction(trx, { row: await conversationNow(trx, conversationId), until, actor, now });
      const iso = new Date(until).toISOString();
      return line('snooze', true, 'snoozed', `pending until ${iso}`, { until: iso });
    }
    case 'note':
    case 'set_attribute': {
      // Notes and attributes have their own transactions (addNote, setContactAttributes): a job runs them.
      await enqueueJob(
        trx,
        ruleActionJob,
        { rule_id: rule.row.id, conversation_id: conversationId, action },
        { now },
      );
      return line(action.type, true, 'queued_job', 'queued (runs in its own transaction)');
    }
    case 'start_flow': {
      if (ctx.vip) return line('start_flow', false, 'vip_no_bot', 'VIP contact: bots never answer');
      const port = flowPort();
      if (!port) return line('start_flow', false, 'flows_not_loaded', 'flows are not loaded');
      const runId = await port.startFlow(deps, trx, {
        conversationId,
        flowId: action.flow_id,
        trigger: { kind: 'rule', ruleId: rule.row.id },
      });
      return runId
        ? line('start_flow', true, 'flow_started', `flow run ${runId}`, { run_id: runId })
        : line('start_flow', false, 'flow_not_started', 'the flow did not start');
    }
    case 'hand_off': {
      // Humans have it, as with a flow's handoff: what automation queued earlier is cancelled, but
      // the messages this run queued just before ("Connecting you with a person") still go (`spare`,
      // `automated_sends.by_handoff`), unless a human replies before they do.
      await takeOverByHuman(trx, {
        conversationId,
        by: { kind: 'system', id: `rule:${rule.row.id}` },
        at: now,
        reason: 'hand_off',
        keepWithHumans: true,
        spare: state.queued,
      });
      let detail = 'humans have it (kept with humans until hand back or resolve)';
      let code: StepCode = 'handed_off';
      let params: Record<string, string> | undefined;
      if (!ctx.vip) {
        const result = await routeConversation(deps, trx, {
          conversationId,
          teamId: action.team_id ?? null,
          policyId: action.policy_id ?? null,
          skills: action.skills ?? [],
          reason: `hand off by rule:${rule.row.id}`,
        });
        detail += `; ${result.outcome === 'assigned' ? `assigned to ${result.userId}` : result.why.summary}`;
        code = result.outcome === 'assigned' ? 'handed_off_assigned' : 'handed_off_queued';
        params = {
          ...(result.outcome === 'assigned' ? { user_id: result.userId } : {}),
          ...routeParams(result.why),
        };
      }
      if (action.note) {
        await enqueueJob(
          trx,
          ruleActionJob,
          {
            rule_id: rule.row.id,
            conversation_id: conversationId,
            action: { type: 'note', body: action.note },
          },
          { now },
        );
      }
      return line('hand_off', true, code, detail, params);
    }
  }
}

/**
 * Runs a rule for one fact, once (`dedupKey`: the event or timer; a redelivery finds its run and
 * does nothing). Checks the conditions in order, then runs the actions, and logs the run.
 */
export async function runRule(
  ctx: RunContext,
  rule: ParsedRule,
  input: { trigger: string; dedupKey: string },
): Promise<{ runId: number; outcome: RunOutcome } | null> {
  const row = {
    rule_id: rule.row.id,
    conversation_id: ctx.conversation.id,
    phone_number_id: ctx.conversation.phone_number_id,
    trigger: input.trigger,
    dedup_key: input.dedupKey,
    created_at: ctx.now,
  };
  // The run's row claims its key first (once per conversation and label, per timer), so a second
  // run of the same key does nothing. A key of one event (`event:<id>`) needs no claim: the event is
  // handled in the transaction that moves the engine's cursor, so its run is written once, at the end.
  const claimFirst = !input.dedupKey.startsWith('event:');
  let runId: number | null = null;
  if (claimFirst) {
    const inserted = await ctx.trx
      .insertInto('automation_runs')
      .values({ ...row, outcome: 'skipped', reason: null, steps_json: '[]', finished_at: null })
      .onConflict((oc) => oc.columns(['rule_id', 'dedup_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return null;
    runId = Number(inserted.id);
  }
  let outcome: RunOutcome = 'done';
  let reason: string | null = null;
  const steps: Step[] = [];
  for (const [i, condition] of rule.conditions.entries()) {
    if (!(await conditionHolds(ctx, condition))) {
      outcome = 'skipped';
      reason = runReason.conditionNotMet(i + 1, condition.type);
      break;
    }
  }
  if (outcome === 'done') {
    const state: RunState = { queued: [] };
    for (const action of rule.actions) {
      try {
        steps.push(await runAction(ctx, rule, action, state));
      } catch (error) {
        const message = (error as Error).message;
        steps.push(line(action.type, false, 'failed', `failed: ${message}`, { error: message }));
        outcome = 'failed';
        reason = runReason.actionFailed(action.type);
        break;
      }
    }
    if (outcome === 'done' && steps.length > 0 && steps.every((s) => !s.ok)) {
      outcome = 'skipped';
      reason = runReason.noAction;
    }
  }
  const result = { outcome, reason, steps_json: JSON.stringify(steps), finished_at: ctx.now };
  const ran = (id: number): DomainEvent => ({
    type: 'automation.rule_ran',
    phoneNumberId: ctx.conversation.phone_number_id,
    payload: { run_id: id, rule_id: rule.row.id, conversation_id: ctx.conversation.id, outcome },
  });
  if (runId === null) {
    // The run's row and its event: one statement on PostgreSQL (every answered message has a run).
    runId = await insertThenRecord(
      ctx.trx,
      ctx.trx
        .insertInto('automation_runs')
        .values({ ...row, ...result })
        .returning('id'),
      ran,
      ctx.now,
    );
  } else {
    await ctx.trx.updateTable('automation_runs').set(result).where('id', '=', runId).execute();
    await recordEvent(ctx.trx, ran(runId), ctx.now);
  }
  return { runId, outcome };
}

/** The rows a run context is made of, as a batch reads them ahead (`engine.subscriber.ts`). */
export type RunContextRows = Pick<RunContext, 'conversation' | 'contact' | 'vip'>;

/** The context of a run in a conversation (its contact, VIP flag); `preloaded` saves reading them. */
export async function runContextFor(
  deps: AppDeps,
  trx: Db,
  input: {
    conversationId: string;
    now: number;
    message: RunContext['message'];
    flowHandled?: boolean;
    preloaded?: RunContextRows;
  },
): Promise<RunContext | null> {
  if (input.preloaded) {
    const { conversation, contact, vip } = input.preloaded;
    return {
      deps,
      trx,
      now: input.now,
      conversation,
      contact,
      message: input.message,
      vip,
      flowHandled: input.flowHandled ?? false,
    };
  }
  const conversation = await trx
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', input.conversationId)
    .executeTakeFirst();
  if (!conversation) return null;
  const found = await trx
    .selectFrom('contacts')
    .leftJoin('vip_contacts', 'vip_contacts.contact_id', 'contacts.id')
    .selectAll('contacts')
    .select('vip_contacts.contact_id as vip_contact_id')
    .where('contacts.id', '=', conversation.contact_id)
    .executeTakeFirst();
  if (!found) return null;
  const { vip_contact_id, ...contact } = found;
  return {
    deps,
    trx,
    now: input.now,
    conversation,
    contact,
    message: input.message,
    vip: vip_contact_id !== null,
    flowHandled: input.flowHandled ?? false,
  };
}

/** Runs every rule a fact triggers, in order. */
export async function runTriggered(
  ctx: RunContext,
  rules: readonly ParsedRule[],
  fact: TriggerFact,
  dedupKey: string,
): Promise<number> {
  let ran = 0;
  for (const rule of rules) {
    if (!triggerMatches(rule.trigger, fact, rule.row.id)) continue;
    const result = await runRule(ctx, rule, { trigger: rule.trigger.type, dedupKey });
    if (result) ran += 1;
  }
  return ran;
}
