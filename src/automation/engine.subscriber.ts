import type { Kysely, Transaction } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import type { DB } from '../database.ts';
import { defineSubscriber, type StoredEvent } from '../platform/events/subscriber.ts';
import { enqueueJob } from '../platform/jobs/job.repository.ts';
import { isOpenAt } from '../platform/schedule.ts';
import { drainQueue } from '../routing/route.ts';
import { HOUR_MS, sendAutomated } from './automated-send.ts';
import { automationResumeJob, noHumanReplyJob } from './automation-timers.job.ts';
import { businessHoursOf } from './business-hours.ts';
import {
  type ControlBy,
  resumeAutomation,
  speakingFactsOf,
  speakingKey,
  takeOverByHuman,
} from './control.ts';
import { flowPort } from './flow-port.ts';
import { clearPreloaded, oncePerTransaction, preload, takePreloaded } from './per-transaction.ts';
import {
  type ParsedRule,
  quickReplyPayload,
  type RunContextRows,
  rulesFor,
  runContextFor,
  runTriggered,
} from './rules.ts';

/**
 * The automation engine: a durable subscriber of the event log, so it runs exactly where the facts
 * are recorded, once per event, on one node at a time, in the transaction that advances its cursor
 * (a crash replays the event and nothing is done twice).
 *
 * - A live customer message (`message.received`; echoes and imported history are other events
 *   and never reach this path): the out-of-hours reply, the conversation's flow (through the flow
 *   port), the rules it triggers, and the timers of "no human reply within N minutes".
 * - A human reply (`message.sent` by an agent or with a user's token, `message.echoed` from the
 *   owner's phone): humans take the conversation, queued automated sends are cancelled, and a job
 *   hands it back when their silence runs out.
 * - A resolve gives automation the conversation back and frees its agent's capacity (queue drain);
 *   a reassignment frees capacity too; a label change fires `label_added` rules.
 */

type Db = Kysely<DB>;

const OUT_OF_HOURS_REF = 'business_hours';
/** The out-of-hours reply goes at most once per conversation in this long. */
const OUT_OF_HOURS_EVERY_MS = 12 * 3_600_000;

async function isFirstCustomerMessage(trx: Db, conversationId: string, messageId: string): Promise<boolean> {
  const rows = await trx
    .selectFrom('messages')
    .select('id')
    .where('conversation_id', '=', conversationId)
    .where('origin', '=', 'customer')
    .limit(2)
    .execute();
  return rows.length === 1 && rows[0]?.id === messageId;
}

/** Whether the customer message starts an unanswered spell: the message before it is not the customer's. */
async function startsUnansweredSpell(trx: Db, conversationId: string, seq: number): Promise<boolean> {
  const before = await trx
    .selectFrom('messages')
    .select('origin')
    .where('conversation_id', '=', conversationId)
    .where('seq', '<', seq)
    .where('origin', '!=', 'history')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return before?.origin !== 'customer';
}

async function outOfHoursReply(
  deps: AppDeps,
  trx: Db,
  conversationId: string,
  phoneNumberId: string,
  now: number,
) {
  const hours = await businessHoursOf(trx, phoneNumberId);
  if (!hours?.outOfHoursText) return false;
  const recent = await trx
    .selectFrom('automated_sends')
    .select('message_id')
    .where('conversation_id', '=', conversationId)
    .where('origin_ref', '=', OUT_OF_HOURS_REF)
    .where('created_at', '>', now - OUT_OF_HOURS_EVERY_MS)
    .executeTakeFirst();
  if (recent) return false;
  const result = await sendAutomated(deps, trx, {
    conversationId,
    origin: 'rule',
    originRef: OUT_OF_HOURS_REF,
    content: { type: 'text', text: { body: hours.outOfHoursText } },
  });
  return result.sent;
}

const CUSTOMER_MESSAGE_COLUMNS = [
  'id',
  'origin',
  'type',
  'content_json',
  'referral_json',
  'conversation_id',
  'phone_number_id',
  'seq',
] as const;

type CustomerMessageRow = Awaited<ReturnType<typeof readCustomerMessages>>[number];

function readCustomerMessages(trx: Db, ids: readonly string[]) {
  return trx.selectFrom('messages').select(CUSTOMER_MESSAGE_COLUMNS).where('id', 'in', ids).execute();
}

/**
 * Reads ahead, in one query each, what a slice's customer messages need first: the messages, and
 * for each conversation's first event of the slice (nothing before it in the slice changed them)
 * its conversation, contact and VIP flag, and the flows' session (`FlowPort.prepare`). Each event
 * takes its rows once (`takePreloaded`); anything else is read as `handle` reads it.
 */
async function preloadSlice(trx: Db, events: readonly StoredEvent[], now: number) {
  const received = events.filter((e): e is StoredEvent<'message.received'> => e.type === 'message.received');
  if (received.length === 0) return;
  const touched = new Set<string>();
  const firsts = new Set<string>();
  for (const event of events) {
    const conversationId = (event.payload as { conversation_id?: unknown }).conversation_id;
    if (typeof conversationId !== 'string') continue;
    if (event.type === 'message.received' && !touched.has(conversationId))
      firsts.add(event.payload.message_id);
    touched.add(conversationId);
  }
  const messages = await readCustomerMessages(
    trx,
    received.map((e) => e.payload.message_id),
  );
  for (const m of messages) preload(trx, `message:${m.id}`, m);
  const conversationIds = [
    ...new Set(
      messages.filter((m) => firsts.has(m.id) && m.origin === 'customer').map((m) => m.conversation_id),
    ),
  ];
  if (conversationIds.length === 0) return;
  const conversations = await trx
    .selectFrom('conversations')
    .selectAll()
    .where('id', 'in', conversationIds)
    .execute();
  const contactIds = [...new Set(conversations.map((c) => c.contact_id))];
  const contacts = new Map(
    (
      await trx
        .selectFrom('contacts')
        .leftJoin('vip_contacts', 'vip_contacts.contact_id', 'contacts.id')
        .selectAll('contacts')
        .select('vip_contacts.contact_id as vip_contact_id')
        .where('contacts.id', 'in', contactIds)
        .execute()
    ).map(({ vip_contact_id, ...contact }) => [contact.id, { contact, vip: vip_contact_id !== null }]),
  );
  for (const conversation of conversations) {
    const found = contacts.get(conversation.contact_id);
    if (found)
      preload(trx, `context:${conversation.id}`, { conversation, ...found } satisfies RunContextRows);
  }
  // What the first automated send of each of these events asks (`sendAutomated`): taken by that
  // send, dropped by any change of control before it and at the end of the event (`handleBatch`).
  const speaking = await speakingFactsOf(trx, conversationIds, now - HOUR_MS);
  for (const [id, facts] of speaking) preload(trx, speakingKey(id), facts);
  await flowPort()?.prepare?.(trx, conversationIds);
}

async function onCustomerMessage(deps: AppDeps, trx: Db, event: StoredEvent<'message.received'>) {
  const now = deps.clock.now();
  const message =
    takePreloaded<CustomerMessageRow>(trx, `message:${event.payload.message_id}`) ??
    (await readCustomerMessages(trx, [event.payload.message_id]))[0];
  if (message?.origin !== 'customer') return;
  const messageRef = { id: message.id, type: message.type, contentJson: message.content_json };
  const preloaded = takePreloaded<RunContextRows>(trx, `context:${message.conversation_id}`);
  const base = await runContextFor(deps, trx, {
    conversationId: message.conversation_id,
    now,
    message: messageRef,
    ...(preloaded ? { preloaded } : {}),
  });
  if (!base) return;
  const pn = message.phone_number_id;
  const hours = await oncePerTransaction(trx, `hours:${pn}`, () => businessHoursOf(trx, pn));
  const outsideHours = hours ? !isOpenAt(hours.schedule, now) : false;
  if (outsideHours && !base.vip)
    await outOfHoursReply(deps, trx, message.conversation_id, message.phone_number_id, now);

  const rules = await oncePerTransaction(trx, `rules:${pn}`, () => rulesFor(trx, pn));
  // A template's quick-reply tap that a rule starts a flow for belongs to that rule: it neither
  // answers the session the customer is in nor starts the welcome flow (the rule's flow replaces both).
  const payload = quickReplyPayload(message.type, message.content_json);
  const tapStartsFlow =
    payload !== null &&
    rules.some(
      (r) =>
        r.trigger.type === 'quick_reply' &&
        (!r.trigger.payload || r.trigger.payload === payload) &&
        r.actions.some((a) => a.type === 'start_flow'),
    );
  let flowHandled = false;
  const port = flowPort();
  if (port && !base.vip && !tapStartsFlow) {
    flowHandled = await port.onCustomerMessage(deps, trx, {
      conversationId: message.conversation_id,
      messageId: message.id,
      message: {
        type: message.type,
        contentJson: message.content_json,
        phoneNumberId: message.phone_number_id,
      },
    });
  }

  if (rules.length === 0) return;
  const ctx = { ...base, flowHandled };
  await runTriggered(
    ctx,
    rules,
    {
      kind: 'message',
      type: message.type,
      contentJson: message.content_json,
      referralJson: message.referral_json,
      // Asked only when a rule's trigger looks at it (every customer message comes this way).
      firstOfConversation:
        rules.some((r) => r.trigger.type === 'conversation_opened') &&
        (await isFirstCustomerMessage(trx, message.conversation_id, message.id)),
      outsideHours,
    },
    `event:${event.id}`,
  );
  await scheduleNoHumanReply(trx, rules, { ...message, seq: Number(message.seq) }, now);
}

async function scheduleNoHumanReply(
  trx: Db,
  rules: readonly ParsedRule[],
  message: { id: string; conversation_id: string; seq: number },
  now: number,
) {
  const timed = rules.filter((r) => r.trigger.type === 'no_human_reply');
  if (timed.length === 0) return;
  if (!(await startsUnansweredSpell(trx, message.conversation_id, message.seq))) return;
  for (const rule of timed) {
    if (rule.trigger.type !== 'no_human_reply') continue;
    await enqueueJob(
      trx,
      noHumanReplyJob,
      { rule_id: rule.row.id, conversation_id: message.conversation_id, message_id: message.id },
      { now, runAt: now + rule.trigger.minutes * 60_000, key: `automation.nhr:${rule.row.id}:${message.id}` },
    );
  }
}

/** Humans take the conversation; a job gives it back when their silence ends. */
async function onHumanReply(deps: AppDeps, trx: Db, conversationId: string, by: ControlBy, at: number) {
  await takeOverByHuman(trx, { conversationId, by, at, reason: 'human_reply' });
  const row = await trx
    .selectFrom('conversation_control')
    .select(['paused_until', 'keep_with_humans'])
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
  if (row && row.keep_with_humans !== 1 && row.paused_until !== null) {
    const until = Number(row.paused_until);
    await enqueueJob(
      trx,
      automationResumeJob,
      { conversation_id: conversationId },
      { now: deps.clock.now(), runAt: until, key: `automation.resume:${conversationId}:${until}` },
    );
  }
}

async function onMessageSent(deps: AppDeps, trx: Db, event: StoredEvent<'message.sent'>) {
  if (event.payload.origin !== 'agent' && event.payload.origin !== 'api') return;
  const message = await trx
    .selectFrom('messages')
    .select(['origin', 'author_user_id', 'received_at'])
    .where('id', '=', event.payload.message_id)
    .executeTakeFirst();
  if (!message) return;
  // An API call counts as a human reply only when made with a user's token (an author).
  if (message.origin === 'api' && message.author_user_id === null) return;
  const by: ControlBy = { kind: message.author_user_id ? 'user' : 'token', id: message.author_user_id };
  await onHumanReply(deps, trx, event.payload.conversation_id, by, Number(message.received_at));
}

async function onLabelsChanged(deps: AppDeps, trx: Db, event: StoredEvent<'conversation.labels_changed'>) {
  // Labels set by automation itself do not trigger rules again (no rule loops through labels).
  if (event.payload.actor?.kind === 'system') return;
  if (!event.phoneNumberId) return;
  const rules = (await rulesFor(trx, event.phoneNumberId)).filter((r) => r.trigger.type === 'label_added');
  if (rules.length === 0) return;
  const ctx = await runContextFor(deps, trx, {
    conversationId: event.payload.conversation_id,
    now: deps.clock.now(),
    message: null,
  });
  if (!ctx) return;
  for (const rule of rules) {
    if (rule.trigger.type !== 'label_added' || !event.payload.labels.includes(rule.trigger.label_id))
      continue;
    // Once per conversation and label: a later change of other labels does not fire it again.
    await runTriggered(
      ctx,
      [rule],
      { kind: 'label_added', labelIds: event.payload.labels },
      `label:${ctx.conversation.id}:${rule.trigger.label_id}`,
    );
  }
}

async function onResolved(deps: AppDeps, trx: Db, event: StoredEvent<'conversation.resolved'>) {
  const now = deps.clock.now();
  const conversationId = event.payload.conversation_id;
  const control = await trx
    .selectFrom('conversation_control')
    .select(['mode', 'keep_with_humans'])
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
  if (control && (control.mode === 'human' || control.keep_with_humans === 1)) {
    await resumeAutomation(trx, { conversationId, at: now, reason: 'resolved', actor: event.payload.actor });
  }
  if (event.phoneNumberId && event.payload.actor?.kind !== 'system') {
    const rules = (await rulesFor(trx, event.phoneNumberId)).filter(
      (r) => r.trigger.type === 'conversation_resolved',
    );
    if (rules.length > 0) {
      const ctx = await runContextFor(deps, trx, { conversationId, now, message: null });
      if (ctx) await runTriggered(ctx, rules, { kind: 'resolved' }, `event:${event.id}`);
    }
  }
  await drainQueue(deps, trx, event.phoneNumberId ? { phoneNumberId: event.phoneNumberId } : {});
}

export const automationEngineSubscriber = defineSubscriber({
  name: 'automation.engine',
  types: [
    'message.received',
    'message.sent',
    'message.echoed',
    'conversation.resolved',
    'conversation.labels_changed',
    'conversation.assigned',
    'conversation.transferred',
  ],
  // Automation answers what happens from now on, never the past of a hub that just got it.
  from: 'now',
  // The same as `handle` one event after another, with what the slice's customer messages read
  // first read in a few queries for all of them (PostgreSQL pays a round trip per query). A few
  // milliseconds an event: slices of 10, so the round's time budget still cuts it (SQLite's writer).
  batchSlice: 10,
  async handleBatch(trx: Transaction<DB>, events, context, hooks) {
    clearPreloaded(trx);
    try {
      await preloadSlice(trx, events, (context as AppDeps).clock.now());
      for (const event of events) {
        await automationEngineSubscriber.handle(trx as never, event, context, hooks);
        // Read ahead for this event only: a later one of the same conversation reads afresh.
        const conversationId = (event.payload as { conversation_id?: unknown }).conversation_id;
        if (typeof conversationId === 'string') takePreloaded(trx, speakingKey(conversationId));
      }
    } finally {
      clearPreloaded(trx);
    }
  },
  async handle(trx: Transaction<DB>, event, context) {
    const deps = context as AppDeps;
    switch (event.type) {
      case 'message.received':
        return onCustomerMessage(deps, trx, event);
      case 'message.sent':
        return onMessageSent(deps, trx, event);
      case 'message.echoed': {
        // The owner answered from the phone: the echo is a human reply (it never triggers rules or flows).
        const message = await trx
          .selectFrom('messages')
          .select(['received_at'])
          .where('id', '=', event.payload.message_id)
          .executeTakeFirst();
        if (!message) return;
        return onHumanReply(
          deps,
          trx,
          event.payload.conversation_id,
          { kind: 'owner', id: null },
          Number(message.received_at),
        );
      }
      case 'conversation.resolved':
        return onResolved(deps, trx, event);
      case 'conversation.labels_changed':
        return onLabelsChanged(deps, trx, event);
      case 'conversation.assigned':
      case 'conversation.transferred':
        // Someone's capacity may have freed: the queue gets a chance (routing's own moves free none).
        if (event.payload.from_user_id !== null && event.payload.actor?.id !== 'routing') {
          await drainQueue(deps, trx, event.phoneNumberId ? { phoneNumberId: event.phoneNumberId } : {});
        }
        return;
    }
  },
});
