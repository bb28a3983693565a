import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AppDeps } from '../../app-deps.ts';
import { sharedRowsApplyTo } from '../../auth/organisation-scope.ts';
import type { DB } from '../../database.ts';
import { notifyEnqueued } from '../../outbound/enqueue-send.ts';
import { masterKeyringOf } from '../../platform/crypto/keyring.ts';
import { openSecret } from '../../platform/crypto/secrets.ts';
import { recordEvent } from '../../platform/events/record-event.ts';
import { withEvents } from '../../platform/events/with-events.ts';
import { newId } from '../../platform/ids.ts';
import { enqueueJob } from '../../platform/jobs/job.repository.ts';
import { defineJob, type JobContext } from '../../platform/jobs/job.ts';
import { parseJsonOr } from '../../platform/json.ts';
import { routeConversation } from '../../routing/route.ts';
import { runAiStep } from '../ai/ai-step.ts';
import { sendAutomated } from '../automated-send.ts';
import { automationMaySend, setActiveFlowRun, takeOverByHuman } from '../control.ts';
import { type FlowDeps, type FlowPort, type FlowTrigger, registerFlowPort } from '../flow-port.ts';
import { findKbAnswer } from '../knowledge/knowledge.repository.ts';
import { oncePerTransaction, preload, takePreloaded } from '../per-transaction.ts';
import {
  activeSession,
  activeSessions,
  findFlow,
  latestSession,
  loadVersion,
  positionOf,
  savePosition,
} from './flow.repository.ts';
import type { FlowSessionRow } from './flow.table.ts';
import { runHttpStep } from './http-step.ts';
import {
  advance,
  emptyState,
  type FlowContact,
  type FlowEffect,
  type FlowInput,
  type FlowServices,
  renderDeep,
  renderText,
  type SessionPosition,
} from './interpreter.ts';

/**
 * The live flow runner: the engine calls it through the flow port (`flow-port.ts`) in the
 * conversation's transaction. It pins each conversation to the flow version it started on, feeds
 * the customer's messages to the interpreter, and applies what it returns: sends go only through
 * `sendAutomated` (so the handoff invariant and the loop breaker hold), answers become contact
 * attributes, a handoff writes the internal note and asks routing, and an HTTP or AI step becomes a
 * job (`flow-call.job.ts`) so no outside call runs inside a transaction.
 */

type Db = Kysely<DB>;

/** The actor of what a flow does (attributes, notes): the system, named by the flow. */
const flowActor = (flowId: string) => ({ kind: 'system' as const, id: `flow:${flowId}` });

/** A customer message as a flow reads it: its text, and the id of the button or row tapped. */
export function answerOf(type: string, contentJson: string): { text: string; replyId: string | null } {
  const c = parseJsonOr<Record<string, unknown>>(contentJson, {}) ?? {};
  const s = (v: unknown) => (typeof v === 'string' ? v : null);
  if (type === 'text') return { text: s(c.body) ?? '', replyId: null };
  if (type === 'interactive') {
    const reply = (c.button_reply ?? c.list_reply) as { id?: unknown; title?: unknown } | undefined;
    if (reply) return { text: s(reply.title) ?? '', replyId: s(reply.id) };
  }
  if (type === 'button') return { text: s(c.text) ?? '', replyId: s(c.payload) };
  return { text: s(c.caption) ?? s(c.body) ?? '', replyId: null };
}

export async function contactOf(
  db: Db,
  conversationId: string,
): Promise<FlowContact & { phoneNumberId: string; contactId: string }> {
  const row = await db
    .selectFrom('conversations')
    .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
    .select([
      'conversations.phone_number_id as phone_number_id',
      'contacts.id as contact_id',
      'contacts.profile_name',
      'contacts.address_book_name',
      'contacts.wa_id',
      'contacts.attributes_json',
    ])
    .where('conversations.id', '=', conversationId)
    .executeTakeFirstOrThrow();
  const attributes = parseJsonOr<Record<string, unknown>>(row.attributes_json, {}) ?? {};
  return {
    phoneNumberId: row.phone_number_id,
    contactId: row.contact_id,
    name: row.address_book_name ?? row.profile_name,
    phone: row.wa_id ? `+${row.wa_id}` : null,
    attributes: typeof attributes === 'object' && !Array.isArray(attributes) ? attributes : {},
  };
}

export function kbServices(db: Db, phoneNumberId: string): FlowServices {
  return {
    async faq(query) {
      const row = await findKbAnswer(db, { phoneNumberId, query });
      return row ? { id: row.id, question: row.question, answer: row.answer } : null;
    },
  };
}

async function setAttributes(
  trx: Db,
  input: {
    contactId: string;
    phoneNumberId: string;
    attributes: Record<string, unknown>;
    flowId: string;
    now: number;
  },
) {
  const row = await trx
    .selectFrom('contacts')
    .select('attributes_json')
    .where('id', '=', input.contactId)
    .executeTakeFirst();
  if (!row) return;
  const stored = parseJsonOr<Record<string, unknown>>(row.attributes_json, {}) ?? {};
  const attributes = {
    ...(typeof stored === 'object' && !Array.isArray(stored) ? stored : {}),
    ...input.attributes,
  };
  await trx
    .updateTable('contacts')
    .set({ attributes_json: JSON.stringify(attributes), updated_at: input.now })
    .where('id', '=', input.contactId)
    .execute();
  await recordEvent(
    trx,
    {
      type: 'contact.changed',
      phoneNumberId: input.phoneNumberId,
      payload: { contact_id: input.contactId, change: 'attributes', actor: flowActor(input.flowId) },
    },
    input.now,
  );
}

/** Writes an internal note from the bot (never a message, never sent). */
export async function addBotNote(
  trx: Db,
  input: { conversationId: string; phoneNumberId: string; body: string; flowId: string; now: number },
): Promise<string> {
  const id = newId();
  await trx
    .insertInto('conversation_notes')
    .values({
      id,
      conversation_id: input.conversationId,
      author_user_id: null,
      body: input.body,
      created_at: input.now,
    })
    .execute();
  await recordEvent(
    trx,
    {
      type: 'conversation.note_added',
      phoneNumberId: input.phoneNumberId,
      payload: { conversation_id: input.conversationId, note_id: id, actor: flowActor(input.flowId) },
    },
    input.now,
  );
  return id;
}

/** Applies the interpreter's effects in order; returns false when a send was refused (humans hold it). */
async function applyEffects(
  deps: FlowDeps,
  trx: Db,
  session: { id: string; flowId: string; conversationId: string; phoneNumberId: string; contactId: string },
  effects: readonly FlowEffect[],
): Promise<{ refused: string | null }> {
  const now = deps.clock.now();
  // What each step queued: a handoff lets its own message go while humans hold the conversation.
  const queuedBy = new Map<string, string[]>();
  for (const effect of effects) {
    switch (effect.kind) {
      case 'send': {
        const result = await sendAutomated(deps, trx, {
          conversationId: session.conversationId,
          origin: 'bot',
          originRef: `run:${session.id}/step:${effect.stepId}`,
          content: effect.content,
        });
        if (!result.sent) {
          deps.logger.info(
            {
              conversation_id: session.conversationId,
              run_id: session.id,
              step: effect.stepId,
              reason: result.reason,
            },
            'flow send refused',
          );
          return { refused: result.reason };
        }
        queuedBy.set(effect.stepId, [...(queuedBy.get(effect.stepId) ?? []), result.messageId]);
        break;
      }
      case 'set_attributes':
        await setAttributes(trx, { ...session, attributes: effect.attributes, now });
        break;
      case 'handoff':
        await addBotNote(trx, { ...session, body: effect.note, now });
        // Humans have it now, as with the inbox's take over, until a hand back or resolve: rules and
        // flows stay silent; the handoff's own message still goes (`spare`).
        await takeOverByHuman(trx, {
          conversationId: session.conversationId,
          by: { kind: 'system', id: `flow:${session.flowId}` },
          at: now,
          reason: 'handoff',
          keepWithHumans: true,
          spare: queuedBy.get(effect.stepId) ?? [],
        });
        await routeConversation(deps, trx, {
          conversationId: session.conversationId,
          ...(effect.step.team_id ? { teamId: effect.step.team_id } : {}),
          ...(effect.step.policy_id ? { policyId: effect.step.policy_id } : {}),
          ...(effect.step.skills && effect.step.skills.length > 0 ? { skills: effect.step.skills } : {}),
          reason: `flow handoff (${effect.stepId})`,
        });
        break;
      case 'call':
        await enqueueJob(
          trx,
          flowCallJob,
          { sessionId: session.id, stepId: effect.stepId },
          { now, key: `flow-call:${session.id}:${effect.stepId}:${now}` },
        );
        break;
      case 'log':
        deps.logger.debug({ run_id: session.id, step: effect.stepId }, effect.text);
        break;
    }
  }
  return { refused: null };
}

async function recordSessionEvent(
  trx: Db,
  input: {
    phoneNumberId: string;
    conversationId: string;
    sessionId: string;
    flowId: string;
    version: number;
    position: SessionPosition;
    now: number;
  },
) {
  await recordEvent(
    trx,
    {
      type: 'automation.flow_progressed',
      phoneNumberId: input.phoneNumberId,
      payload: {
        conversation_id: input.conversationId,
        run_id: input.sessionId,
        flow_id: input.flowId,
        version: input.version,
        step_id: input.position.stepId,
        status: input.position.status,
      },
    },
    input.now,
  );
}

/**
 * Moves a session with one input and applies the effects. When humans hold the conversation (a
 * send refused), the session stays where it was, so it resumes from the same step on hand back.
 */
export async function step(
  deps: FlowDeps,
  trx: Db,
  sessionId: string,
  input: FlowInput,
): Promise<SessionPosition | null> {
  const row = await trx
    .selectFrom('flow_sessions')
    .selectAll()
    .where('id', '=', sessionId)
    .executeTakeFirst();
  if (!row) return null;
  const definition = await loadVersion(trx, row.flow_id, row.version);
  const contact = await contactOf(trx, row.conversation_id);
  const before = positionOf(row);
  const { effects, position } = await advance(
    definition,
    before,
    input,
    contact,
    kbServices(trx, contact.phoneNumberId),
  );
  const session = {
    id: row.id,
    flowId: row.flow_id,
    conversationId: row.conversation_id,
    phoneNumberId: contact.phoneNumberId,
    contactId: contact.contactId,
  };
  const { refused } = await applyEffects(deps, trx, session, effects);
  const now = deps.clock.now();
  if (refused) return before;
  await savePosition(trx, row.id, position, now);
  if (position.status !== 'active') {
    await setActiveFlowRun(trx, { conversationId: row.conversation_id, runId: null, at: now });
  }
  await recordSessionEvent(trx, {
    phoneNumberId: contact.phoneNumberId,
    conversationId: row.conversation_id,
    sessionId: row.id,
    flowId: row.flow_id,
    version: row.version,
    position,
    now,
  });
  return position;
}

function triggerText(trigger: FlowTrigger): string {
  switch (trigger.kind) {
    case 'rule':
      return `rule:${trigger.ruleId}`;
    case 'api':
      return `api:${trigger.actor ?? ''}`;
    default:
      return trigger.kind;
  }
}

/** Starts a flow (its current version) in a conversation, ending any session it was inside. */
export async function startFlow(
  deps: FlowDeps,
  trx: Db,
  input: { readonly conversationId: string; readonly flowId: string; readonly trigger: FlowTrigger },
): Promise<string | null> {
  const flow = await findFlow(trx, input.flowId);
  if (flow?.enabled !== 1) return null;
  const now = deps.clock.now();
  if ((await automationMaySend(trx, input.conversationId, now)) !== true) return null;
  await trx
    .updateTable('flow_sessions')
    .set({ status: 'cancelled', waiting: null, ended_at: now, updated_at: now })
    .where('conversation_id', '=', input.conversationId)
    .where('status', '=', 'active')
    .execute();
  const id = newId();
  await trx
    .insertInto('flow_sessions')
    .values({
      id,
      conversation_id: input.conversationId,
      flow_id: flow.id,
      version: flow.current_version,
      status: 'active',
      step_id: null,
      waiting: null,
      retries: 0,
      state_json: JSON.stringify(emptyState()),
      trigger: triggerText(input.trigger),
      started_at: now,
      updated_at: now,
      ended_at: null,
    })
    .execute();
  await setActiveFlowRun(trx, { conversationId: input.conversationId, runId: id, at: now });
  await step(deps, trx, id, { kind: 'start' });
  return id;
}

/** The number's welcome flow (its own before one for every number), if enabled. */
async function welcomeFlowOf(db: Db, phoneNumberId: string) {
  const flows = await db
    .selectFrom('flows')
    .select(['id', 'phone_number_id'])
    .where('is_welcome', '=', 1)
    .where('enabled', '=', 1)
    .where((eb) => eb.or([eb('phone_number_id', '=', phoneNumberId), eb('phone_number_id', 'is', null)]))
    .execute();
  const own = flows.find((f) => f.phone_number_id === phoneNumberId);
  // A flow for every number is the default organisation's: never another organisation's numbers.
  if (own || flows.length === 0) return own;
  return (await sharedRowsApplyTo(db, phoneNumberId)) ? flows[0] : undefined;
}

/** How long after a finished session the welcome flow waits before greeting the customer again. */
export const WELCOME_AGAIN_AFTER_MS = 24 * 3_600_000;

/**
 * A live customer message: answers the session the conversation is inside, or starts the number's
 * welcome flow for a customer who has none (a new conversation, a day after the last session
 * ended, or after an agent handed the conversation back). True when a flow took the message.
 */
export async function onCustomerMessage(
  deps: FlowDeps,
  trx: Db,
  input: Parameters<FlowPort['onCustomerMessage']>[2],
): Promise<boolean> {
  const now = deps.clock.now();
  const message = input.message
    ? { ...input.message, origin: 'customer' }
    : await trx
        .selectFrom('messages')
        .select(['type', 'content_json as contentJson', 'origin', 'phone_number_id as phoneNumberId'])
        .where('id', '=', input.messageId)
        .executeTakeFirst();
  if (message?.origin !== 'customer') return false;
  // Whether a flow has anything to do first (a session, or a welcome flow), then whether automation
  // may speak: most messages of a number without flows cost two reads, not the handoff's too.
  const preloaded = takePreloaded<FlowSessionRow | null>(trx, `flow-session:${input.conversationId}`);
  const session =
    preloaded === undefined ? await activeSession(trx, input.conversationId) : (preloaded ?? undefined);
  const pn = message.phoneNumberId;
  const welcome = session
    ? undefined
    : await oncePerTransaction(trx, `welcome:${pn}`, () => welcomeFlowOf(trx, pn));
  if (!session && !welcome) return false;
  if ((await automationMaySend(trx, input.conversationId, now)) !== true) return false;
  if (session) {
    if (session.waiting !== 'answer') return true;
    await step(deps, trx, session.id, { kind: 'message', ...answerOf(message.type, message.contentJson) });
    return true;
  }
  if (!welcome) return false;
  const last = await latestSession(trx, input.conversationId);
  if (last) {
    const control = await trx
      .selectFrom('conversation_control')
      .select('handed_back_at')
      .where('conversation_id', '=', input.conversationId)
      .executeTakeFirst();
    const ended = last.ended_at ?? last.updated_at;
    const handedBack = control?.handed_back_at != null && Number(control.handed_back_at) > ended;
    if (!handedBack && now - ended < WELCOME_AGAIN_AFTER_MS) return false;
  }
  const id = await startFlow(deps, trx, {
    conversationId: input.conversationId,
    flowId: welcome.id,
    trigger: { kind: 'new_conversation' },
  });
  return id !== null;
}

/** Reads the running sessions of a batch's conversations at once (see `FlowPort.prepare`). */
async function prepare(trx: Db, conversationIds: readonly string[]): Promise<void> {
  const sessions = await activeSessions(trx, conversationIds);
  for (const id of conversationIds) preload(trx, `flow-session:${id}`, sessions.get(id) ?? null);
}

export const flowRunner: FlowPort = { startFlow, onCustomerMessage, prepare };
registerFlowPort(flowRunner);

/**
 * Runs the outside call of a flow's HTTP or AI step, outside any transaction, then feeds the result
 * back to the session in a transaction of its own (`runner.step`). A session that moved on (a human
 * took over and a new flow started, the conversation was resolved) is left alone.
 */
export const flowCallJob = defineJob({
  id: 'automation.flow-call',
  schema: z.object({ sessionId: z.string(), stepId: z.string() }),
  retry: { attempts: 2, backoffMs: 2_000 },
  async handler(payload, { deps }: JobContext<AppDeps>) {
    const db = deps.database.db;
    const session = await db
      .selectFrom('flow_sessions')
      .selectAll()
      .where('id', '=', payload.sessionId)
      .executeTakeFirst();
    if (session?.status !== 'active' || session.waiting !== 'call' || session.step_id !== payload.stepId)
      return;
    const definition = await loadVersion(db, session.flow_id, session.version);
    const stepDef = definition.steps.find((s) => s.id === payload.stepId);
    if (!stepDef || (stepDef.type !== 'http' && stepDef.type !== 'ai')) return;
    const contact = await contactOf(db, session.conversation_id);
    const position = positionOf(session);
    const policy = { allow: deps.config.webhookEgressAllow };
    let input: FlowInput;
    if (stepDef.type === 'http') {
      const flow = await findFlow(db, session.flow_id);
      if (!flow) return;
      const secret = await openSecret(
        db,
        masterKeyringOf(deps.config),
        `flow-signing:${flow.id}`,
        flow.signing_secret,
      );
      const body =
        stepDef.body !== undefined
          ? renderDeep(stepDef.body, position.state, contact)
          : {
              conversation_id: session.conversation_id,
              flow_id: session.flow_id,
              step_id: stepDef.id,
              contact: { name: contact.name, phone: contact.phone },
              answers: position.state.answers,
              vars: position.state.vars,
            };
      const result = await runHttpStep({
        step: stepDef,
        url: renderText(stepDef.url, position.state, contact),
        body,
        secret,
        policy,
        nowSeconds: Math.floor(deps.clock.now() / 1000),
      });
      input = result.ok
        ? { kind: 'call_result', ok: true, values: result.values }
        : { kind: 'call_result', ok: false, error: result.error };
    } else {
      const result = await runAiStep(deps, {
        phoneNumberId: contact.phoneNumberId,
        conversationId: session.conversation_id,
        step: stepDef,
        question: position.state.message ?? '',
      });
      input = result.ok
        ? { kind: 'call_result', ok: true, reply: result.reply }
        : { kind: 'call_result', ok: false, error: result.error };
    }
    await withEvents(deps, async (trx, hooks) => {
      // Still waiting on this step? (A second node or a rerun may have fed it already.)
      const again = await trx
        .selectFrom('flow_sessions')
        .select(['status', 'waiting', 'step_id'])
        .where('id', '=', session.id)
        .executeTakeFirst();
      if (again?.status !== 'active' || again.waiting !== 'call' || again.step_id !== payload.stepId) return;
      await step(deps, trx, session.id, input);
      hooks.afterCommit(() => notifyEnqueued(deps, [contact.phoneNumberId]));
    });
  },
});
