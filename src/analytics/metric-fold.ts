import { normalizeCategory } from '../costs/rate-card.ts';
import type { StoredEvent } from '../platform/events/subscriber.ts';
import type { Schedule } from '../platform/schedule.ts';
import type { AnalyticsConversationRow } from './analytics.table.ts';
import { businessMs } from './business-time.ts';
import { binOf } from './histogram.ts';

/**
 * The metric definitions of `docs/metrics.md`, as one pure fold over the event log: given a
 * conversation's cycle state and one event, it moves the state and returns the rollup increments.
 * The live subscriber and the recompute both call it, so the dashboard and a recomputation cannot
 * disagree.
 */

/** The size of a rollup bucket: 15 minutes, so every time zone's hours and days are whole buckets. */
export const BUCKET_MS = 15 * 60_000;

export const bucketOf = (at: number): number => Math.floor(at / BUCKET_MS) * BUCKET_MS;

/** Who answered a customer. */
export type Responder = 'agent' | 'business_app' | 'bot' | 'api' | 'campaign';

/** The rollup metrics (the `metric` column). Duration metrics also exist with a `.bh` suffix. */
export type MetricName =
  | 'conversations.opened'
  | 'conversations.reopened'
  | 'conversations.resolved'
  | 'messages.received'
  | 'messages.sent'
  | 'first_response_time'
  | 'reply_time'
  | 'resolution_time'
  | 'bot.engaged'
  | 'bot.handoff'
  | 'bot.resolved'
  | 'bot.contained'
  | 'csat.sent'
  | 'csat.rating'
  | 'cost';

export const DURATION_METRICS = ['first_response_time', 'reply_time', 'resolution_time'] as const;

/** One increment of a rollup row. */
export type RollupDelta = {
  bucket_at: number;
  phone_number_id: string;
  team_id: string;
  user_id: string;
  kind: string;
  metric: string;
  bin: number;
  count: number;
  total: number;
};

/** What the fold needs to know about a message besides its event. */
export type MessageInfo = {
  readonly origin: string;
  readonly authorUserId: string | null;
  readonly timestamp: number;
  readonly type: string;
  readonly pricing: Record<string, unknown> | null;
  readonly countryCode: string;
  /** The survey a customer's interactive reply answers (`csat:<survey>:<rating>`), if any. */
  readonly csatAnswer: { surveyId: string; rating: number } | null;
  /** Whether this outbound message is a CSAT survey (not a reply). */
  readonly isSurvey: boolean;
};

/** Lookups, loaded before the fold runs (one event live, a page of events in a recompute). */
export type FoldContext = {
  message(id: string): MessageInfo | undefined;
  businessHours(phoneNumberId: string): Schedule | null;
  /** Whether the message's cost was counted already; marks it counted when not. */
  claimPriced(messageId: string): boolean;
};

/** Per-conversation state, keyed by conversation id. */
export type StateStore = {
  get(conversationId: string): ConversationState | undefined;
  set(state: ConversationState): void;
};

export type ConversationState = {
  -readonly [K in keyof AnalyticsConversationRow]: AnalyticsConversationRow[K];
};

/** A customer's text after a CSAT answer within this time is the survey's comment. */
export const CSAT_COMMENT_WINDOW_MS = 30 * 60_000;

/** The events the fold reads. */
export const foldedEventTypes = [
  'conversation.opened',
  'conversation.assigned',
  'conversation.transferred',
  'conversation.resolved',
  'conversation.reopened',
  'message.received',
  'message.echoed',
  'message.sent',
  'message.status_changed',
  'csat.requested',
  'csat.rated',
] as const;
export type FoldedEventType = (typeof foldedEventTypes)[number];

/** The message ids whose {@link MessageInfo} the fold needs for an event. */
export function messageIdsNeeded(event: StoredEvent): string[] {
  switch (event.type) {
    case 'message.received':
    case 'message.echoed':
    case 'message.sent':
    case 'message.status_changed':
      return [event.payload.message_id];
    default:
      return [];
  }
}

function newState(conversationId: string, phoneNumberId: string, at: number): ConversationState {
  return {
    conversation_id: conversationId,
    phone_number_id: phoneNumberId,
    team_id: null,
    assignee_user_id: null,
    state: 'open',
    cycle_started_at: at,
    cycle: 1,
    frt_clock_at: null,
    first_response_at: null,
    waiting_since: null,
    bot_replied: 0,
    human_replied: 0,
    handoff_at: null,
    csat_answered_at: null,
    updated_at: at,
  };
}

function startCycle(s: ConversationState, at: number): void {
  s.state = 'open';
  s.cycle += 1;
  s.cycle_started_at = at;
  s.frt_clock_at = null;
  s.first_response_at = null;
  s.waiting_since = null;
  s.bot_replied = 0;
  s.human_replied = 0;
  s.handoff_at = null;
  s.csat_answered_at = null;
}

class Emitter {
  readonly deltas: RollupDelta[] = [];
  constructor(
    private readonly at: number,
    private readonly ctx: FoldContext,
  ) {}

  count(s: ConversationState, metric: MetricName, dims: { user?: string | null; kind?: string } = {}): void {
    this.deltas.push({
      bucket_at: bucketOf(this.at),
      phone_number_id: s.phone_number_id,
      team_id: s.team_id ?? '',
      user_id: dims.user ?? '',
      kind: dims.kind ?? '',
      metric,
      bin: 0,
      count: 1,
      total: 0,
    });
  }

  duration(
    s: ConversationState,
    metric: (typeof DURATION_METRICS)[number],
    from: number,
    dims: { user?: string | null; kind?: string } = {},
  ): void {
    const base = {
      bucket_at: bucketOf(this.at),
      phone_number_id: s.phone_number_id,
      team_id: s.team_id ?? '',
      user_id: dims.user ?? '',
      kind: dims.kind ?? '',
      count: 1,
    };
    const ms = Math.max(0, this.at - from);
    this.deltas.push({ ...base, metric, bin: binOf(ms), total: ms });
    const hours = this.ctx.businessHours(s.phone_number_id);
    if (hours) {
      const bh = businessMs(hours, from, this.at);
      this.deltas.push({ ...base, metric: `${metric}.bh`, bin: binOf(bh), total: bh });
    }
  }
}

/** A reply to the customer: ends the wait, and a human's first one is the cycle's first response. */
function reply(
  e: Emitter,
  s: ConversationState,
  at: number,
  who: { responder: Responder; user: string | null },
): void {
  e.count(s, 'messages.sent', { user: who.user, kind: who.responder });
  if (s.state !== 'open') return;
  if (s.waiting_since !== null) {
    e.duration(s, 'reply_time', s.waiting_since, { user: who.user, kind: who.responder });
    s.waiting_since = null;
  }
  const human = who.responder === 'agent' || who.responder === 'business_app';
  if (human) {
    if (s.first_response_at === null) {
      s.first_response_at = at;
      if (s.frt_clock_at !== null)
        e.duration(s, 'first_response_time', s.frt_clock_at, { user: who.user, kind: who.responder });
    }
    s.human_replied = 1;
  } else if (who.responder === 'bot' && s.human_replied === 0 && s.handoff_at === null) {
    if (s.bot_replied === 0) e.count(s, 'bot.engaged');
    s.bot_replied = 1;
    // The bot answered: a human's first-response clock starts at the handoff (or the customer's next message).
    s.frt_clock_at = null;
  }
}

function assign(e: Emitter, s: ConversationState, at: number, toUser: string | null): void {
  const handoff =
    toUser !== null &&
    s.state === 'open' &&
    s.bot_replied === 1 &&
    s.handoff_at === null &&
    s.human_replied === 0;
  s.assignee_user_id = toUser;
  if (!handoff) return;
  s.handoff_at = at;
  s.frt_clock_at = at;
  s.waiting_since = s.waiting_since ?? at;
  e.count(s, 'bot.handoff', { user: toUser });
}

function resolve(e: Emitter, s: ConversationState): void {
  if (s.state !== 'open') return;
  const user = s.assignee_user_id;
  e.count(s, 'conversations.resolved', { user });
  e.duration(s, 'resolution_time', s.cycle_started_at, { user });
  if (s.bot_replied === 1) {
    e.count(s, 'bot.resolved');
    if (s.human_replied === 0) e.count(s, 'bot.contained');
  }
  s.state = 'resolved';
  s.waiting_since = null;
}

function customerMessage(e: Emitter, s: ConversationState, at: number, info: MessageInfo | undefined): void {
  // A CSAT answer, and the comment right after it, are not a new request for help.
  if (info?.csatAnswer && s.state === 'resolved') {
    s.csat_answered_at = at;
    return;
  }
  if (
    s.state === 'resolved' &&
    s.csat_answered_at !== null &&
    at - s.csat_answered_at <= CSAT_COMMENT_WINDOW_MS &&
    info?.type === 'text'
  ) {
    s.csat_answered_at = null;
    return;
  }
  if (s.state === 'resolved') {
    startCycle(s, at);
    e.count(s, 'conversations.reopened');
  }
  e.count(s, 'messages.received', { user: s.assignee_user_id });
  if (s.first_response_at === null && s.frt_clock_at === null) s.frt_clock_at = at;
  if (s.waiting_since === null) s.waiting_since = at;
}

const PRICING_TYPES = ['regular', 'free_customer_service', 'free_entry_point'] as const;

function cost(
  e: Emitter,
  s: ConversationState,
  ctx: FoldContext,
  messageId: string,
  info: MessageInfo,
): void {
  if (!info.pricing || ctx.claimPriced(messageId)) return;
  const pricing = info.pricing;
  const type =
    typeof pricing.type === 'string'
      ? pricing.type
      : pricing.billable === false
        ? 'free_customer_service'
        : 'regular';
  const typeIndex = Math.max(0, PRICING_TYPES.indexOf(type as (typeof PRICING_TYPES)[number]));
  const category = typeof pricing.category === 'string' ? normalizeCategory(pricing.category) : 'unknown';
  e.deltas.push({
    // A message's cost belongs to when it was sent, whichever status carried the pricing.
    bucket_at: bucketOf(info.timestamp),
    phone_number_id: s.phone_number_id,
    team_id: '',
    user_id: '',
    // Money is priced at read time from the rate card, by category and the recipient's country code.
    kind: `${typeIndex === 2 ? 'free_entry_point' : category}|${info.countryCode}`,
    metric: 'cost',
    bin: typeIndex,
    count: 1,
    total: 0,
  });
}

/**
 * Applies one event: reads and updates its conversation's state in `states` and returns the rollup
 * increments. Events of other types, or without a conversation, return none.
 */
export function foldEvent(states: StateStore, event: StoredEvent, ctx: FoldContext): RollupDelta[] {
  const at = event.at;
  const e = new Emitter(at, ctx);
  const payload = event.payload as { conversation_id?: string };
  const conversationId = payload.conversation_id;
  if (!conversationId || event.phoneNumberId === null) return [];
  let s = states.get(conversationId);
  if (event.type === 'conversation.opened') {
    if (s) return [];
    s = newState(conversationId, event.phoneNumberId, at);
    e.count(s, 'conversations.opened');
    states.set(s);
    return e.deltas;
  }
  if (!s) {
    // A conversation older than the analytics (or than the log kept): it starts being counted now.
    s = newState(conversationId, event.phoneNumberId, at);
  }
  switch (event.type) {
    case 'message.received':
      customerMessage(e, s, at, ctx.message(event.payload.message_id));
      break;
    case 'message.echoed':
      reply(e, s, at, { responder: 'business_app', user: null });
      break;
    case 'message.sent': {
      const info = ctx.message(event.payload.message_id);
      if (info?.isSurvey) break;
      const origin = event.payload.origin;
      if (origin === 'agent') {
        const user = info?.authorUserId ?? event.payload.actor?.id ?? null;
        reply(e, s, at, { responder: 'agent', user });
      } else if (origin === 'bot') {
        reply(e, s, at, { responder: 'bot', user: null });
      } else {
        // API and campaign messages are volume only: they neither stop nor start a clock.
        e.count(s, 'messages.sent', { kind: origin });
      }
      break;
    }
    case 'message.status_changed': {
      const to = event.payload.to;
      if (to === 'failed' || to === 'queued' || to === 'sending' || to === 'unknown') break;
      const info = ctx.message(event.payload.message_id);
      if (info) cost(e, s, ctx, event.payload.message_id, info);
      break;
    }
    case 'conversation.assigned':
      assign(e, s, at, event.payload.to_user_id);
      break;
    case 'conversation.transferred':
      s.team_id = event.payload.to_team_id;
      assign(e, s, at, event.payload.to_user_id);
      break;
    case 'conversation.resolved':
      resolve(e, s);
      break;
    case 'conversation.reopened':
      // A reopen by a customer's message (actor null) was counted at that message.
      if (event.payload.actor !== null && s.state === 'resolved') {
        startCycle(s, at);
        e.count(s, 'conversations.reopened');
      }
      break;
    case 'csat.requested':
      e.count(
        { ...s, team_id: event.payload.team_id, assignee_user_id: event.payload.assignee_user_id },
        'csat.sent',
        { user: event.payload.assignee_user_id },
      );
      break;
    case 'csat.rated':
      e.deltas.push({
        bucket_at: bucketOf(at),
        phone_number_id: s.phone_number_id,
        team_id: event.payload.team_id ?? '',
        user_id: event.payload.assignee_user_id ?? '',
        kind: '',
        metric: 'csat.rating',
        bin: event.payload.rating,
        count: 1,
        total: event.payload.rating,
      });
      break;
    default:
      return [];
  }
  s.updated_at = at;
  states.set(s);
  return e.deltas;
}
