/**
 * The catalogue of domain events: every fact the hub records in its event log (`domain_events`),
 * with a typed payload. Emitters, subscribers and the web app import this one list, so an unknown
 * name fails at compile time, not in production (the discipline of Fastify's declared hook list).
 *
 * This file has no runtime imports: the web app bundles it for its stream listener.
 *
 * ## Add an event
 * 1. Add its payload to {@link EventPayloads} (state the fact: ids plus what happened, e.g.
 *    `{ from, to }` for a transition; snake_case keys, since payloads go over the wire as they are).
 * 2. Add its entry to {@link eventCatalogue}: the stream notice it travels as (one of
 *    {@link streamNotices}; a new notice also needs a line in `web/src/modules/realtime/invalidations.ts`)
 *    and one sentence saying when it is recorded. The compiler refuses a payload without an entry.
 *
 * ## Record it
 * In the transaction that makes the change, so the event exists exactly when the change commits:
 * ```ts
 * await recordEvent(trx, { type: 'conversation.resolved', phoneNumberId, payload: { conversation_id, actor } }, now);
 * ```
 * (`recordEvent` / `recordEvents` in `platform/events/record-event.ts`; the batch form is one
 * multi-row insert.) Then, after the commit, wake this node's readers: `deps.signals.emit('events')`,
 * or let `withEvents(deps, trx => …)` (`platform/events/with-events.ts`) run the transaction and do it.
 *
 * ## Subscribe
 * Declare a durable subscriber beside its feature (`*.subscriber.ts`) with `defineSubscriber({ name,
 * types, handle(trx, event) })` from `platform/events/subscriber.ts` and list it in `src/hub.ts`.
 * It gets every event of its types at least once, in log order, inside a transaction that also
 * advances its cursor; make `handle` idempotent for effects outside the database.
 *
 * ## Stream notices
 * The realtime stream (`GET /api/events`) and the web app speak a smaller vocabulary of "look
 * again" notices (`message.added`, `conversation.changed`, …). Each fact names its notice here;
 * the log stores both (`domain_events.type` = notice, `domain_events.fact` = the fact's type), and the
 * stream sends the notice as the SSE event name with the fact in the data's `fact` field.
 */

/** The wire names of the realtime stream: what a web client must invalidate, not what happened. */
export const streamNotices = [
  'message.added',
  'message.changed',
  'conversation.changed',
  'contact.changed',
  'number.changed',
  'failure.recorded',
  'alert.raised',
  'user.changed',
  'settings.changed',
  'template.changed',
  'campaign.changed',
] as const;
export type StreamNotice = (typeof streamNotices)[number];

/** Who did it: a signed-in user, an API token, or the hub itself (a webhook, a job, a bot). */
export type Actor = { kind: 'user' | 'token' | 'system'; id: string | null };

/** A message's delivery state (the same words as `messages.status`). */
export type EventMessageStatus =
  | 'received'
  | 'queued'
  | 'sending'
  | 'unknown'
  | 'sent'
  | 'delivered'
  | 'read'
  | 'played'
  | 'failed';

/** A number's link to the WhatsApp Business app (the same words as `phone_numbers.connection_state`). */
export type EventConnectionState = 'connected' | 'disconnected' | 'offboarded' | 'uninstalled' | 'unknown';

/** Marketing consent of a contact. */
export type EventConsent = 'opted_in' | 'opted_out';

type MessageRef = { message_id: string; conversation_id: string };

/** The payload of each event type. The keys of this type are the catalogue. */
export type EventPayloads = {
  // Messages
  'message.received': MessageRef & { contact_id: string | null; wamid: string | null; content_type: string };
  'message.echoed': MessageRef & { wamid: string | null; content_type: string };
  'message.imported': MessageRef & { direction: 'inbound' | 'outbound' };
  'message.sent': MessageRef & { origin: 'api' | 'agent' | 'bot' | 'campaign'; actor: Actor | null };
  'message.status_changed': MessageRef & {
    from: EventMessageStatus | null;
    to: EventMessageStatus;
    error_code?: number | null;
  };
  /** `content_json`/`edited_at`: the version this edit applied, so the archive keeps every interim one. */
  'message.edited': MessageRef & { content_json?: string; edited_at?: number };
  'message.revoked': MessageRef;
  'message.reacted': MessageRef & { side: 'customer' | 'business'; emoji: string };
  'message.updated': MessageRef & { change: string };
  // Conversations
  'conversation.opened': { conversation_id: string; contact_id: string };
  'conversation.assigned': {
    conversation_id: string;
    from_user_id: string | null;
    to_user_id: string | null;
    actor: Actor | null;
  };
  /** A move to another team; the assignee fields say who has it after (the same when unchanged). */
  'conversation.transferred': {
    conversation_id: string;
    from_team_id: string | null;
    to_team_id: string | null;
    from_user_id: string | null;
    to_user_id: string | null;
    actor: Actor | null;
  };
  'conversation.resolved': { conversation_id: string; actor: Actor | null };
  'conversation.reopened': { conversation_id: string; actor: Actor | null };
  'conversation.read': { conversation_id: string; actor: Actor | null };
  'conversation.note_added': { conversation_id: string; note_id: string; actor: Actor | null };
  'conversation.labels_changed': { conversation_id: string; labels: string[]; actor: Actor | null };
  /** `until`: when it comes back on its own (ms); it is `pending` meanwhile. */
  'conversation.snoozed': { conversation_id: string; until: number; actor: Actor | null };
  'conversation.unsnoozed': {
    conversation_id: string;
    reason: 'time' | 'customer_message' | 'operator';
    actor: Actor | null;
  };
  /** `user_id`: the colleague `@mentioned` in the note, who is notified. */
  'conversation.mentioned': {
    conversation_id: string;
    note_id: string;
    user_id: string;
    actor: Actor | null;
  };
  'conversation.updated': { conversation_id: string; change: string };
  // Contacts
  'contact.created': { contact_id: string; wa_id: string | null; bsuid: string | null };
  'contact.changed': { contact_id: string; change: string; actor?: Actor | null };
  /** `from` is null for a contact's first record; `applied` false = an older record that arrived late. */
  'contact.consent_changed': {
    contact_id: string;
    from: EventConsent | null;
    to: EventConsent;
    actor: Actor | null;
    scope?: 'marketing' | 'utility';
    source?: string;
    record_id?: number;
    applied?: boolean;
  };
  // The 24-hour customer service window
  'window.opened': { conversation_id: string; contact_id: string; expires_at: number };
  // Numbers
  'number.connection_changed': {
    phone_number_id: string;
    from: EventConnectionState | null;
    to: EventConnectionState;
    reason: string | null;
  };
  'number.changed': { phone_number_id: string; change: string; actor?: Actor | null };
  'number.sync_health_changed': {
    phone_number_id: string;
    /** The check (`connection`, `echoes`, `history_import`, `app_open_rule`, …; `docs/sync-health.md`). */
    check: string;
    from: 'ok' | 'warning' | 'failing' | 'unknown' | null;
    to: 'ok' | 'warning' | 'failing' | 'unknown';
    summary: string;
  };
  // Operations
  'failure.recorded': { failure_id: string; code: string };
  'alert.raised': { alert_id: string; code: string };
  // People and settings (who did what)
  'user.changed': { user_id: string; action: string; actor: Actor | null };
  /** An entry of the security log (`security/security-log.ts`): what happened, never a secret. */
  'security.recorded': {
    kind: string;
    outcome: 'succeeded' | 'failed' | 'refused';
    user_id: string | null;
    target_user_id: string | null;
    target_token_id: string | null;
    actor: Actor | null;
  };
  'team.changed': { team_id: string; action: string; actor: Actor | null };
  'label.changed': { label_id: string; action: string; actor: Actor | null };
  'canned_reply.changed': { canned_reply_id: string; action: string; actor: Actor | null };
  'settings.changed': { keys: string[]; actor: Actor | null };
  // Automation and routing
  /** Who controls a conversation changed: humans took it (a reply, take over) or automation got it back. */
  'automation.control_changed': {
    conversation_id: string;
    to: 'automation' | 'human';
    reason: string;
    until: number | null;
    actor: Actor | null;
  };
  'automation.rule_ran': {
    run_id: number;
    rule_id: string;
    conversation_id: string | null;
    outcome: 'done' | 'skipped' | 'failed';
  };
  /** A rule, routing policy, business hours, VIP or automation setting was created, changed or deleted. */
  'automation.changed': { entity: string; id: string; action: string; actor: Actor | null };
  /** A conversation's flow run moved: started, waits on a step, finished, handed off or cancelled. */
  'automation.flow_progressed': {
    conversation_id: string;
    run_id: string;
    flow_id: string;
    version: number;
    step_id: string | null;
    status: 'active' | 'completed' | 'handed_off' | 'cancelled';
  };
  'routing.decided': {
    conversation_id: string;
    outcome: 'assigned' | 'queued' | 'skipped';
    user_id: string | null;
    policy_id: string | null;
  };
  // Templates and campaigns
  'template.changed': {
    template_id: string;
    name: string;
    language: string;
    action: 'created' | 'edited' | 'deleted' | 'status' | 'quality' | 'category';
    from: string | null;
    to: string | null;
    actor: Actor | null;
  };
  'campaign.changed': { campaign_id: string; action: string; actor: Actor | null };
  /** A customer answered a campaign message; `button_payload` is the quick reply tapped, if any. */
  'campaign.replied': {
    campaign_id: string;
    contact_id: string;
    conversation_id: string;
    message_id: string;
    button_payload: string | null;
  };
  // Analytics: satisfaction surveys and response SLAs
  'csat.requested': {
    survey_id: string;
    conversation_id: string;
    message_id: string;
    channel: 'interactive' | 'template';
    assignee_user_id: string | null;
    team_id: string | null;
  };
  'csat.rated': {
    survey_id: string;
    conversation_id: string;
    rating: number;
    assignee_user_id: string | null;
    team_id: string | null;
  };
  'csat.commented': { survey_id: string; conversation_id: string };
  'sla.breached': {
    breach_id: string;
    conversation_id: string;
    kind: 'first_response' | 'resolution';
    target_ms: number;
    due_at: number;
    assignee_user_id: string | null;
    team_id: string | null;
  };
};

export type EventType = keyof EventPayloads;

/** What the catalogue says about one event type. */
export type EventSpec = { readonly notice: StreamNotice; readonly description: string };

/** Every event type with its stream notice and when it is recorded; `eventTypes` lists the names. */
export const eventCatalogue = {
  'message.received': { notice: 'message.added', description: 'A customer sent a message (live).' },
  'message.echoed': {
    notice: 'message.added',
    description: 'The owner sent a message from the WhatsApp Business app (an echo).',
  },
  'message.imported': { notice: 'message.added', description: 'A message arrived with history sync.' },
  'message.sent': {
    notice: 'message.added',
    description: 'A hub path (agent, API, bot, campaign) queued a message for Meta.',
  },
  'message.status_changed': {
    notice: 'message.changed',
    description: "A message's status moved (`from` → `to`), e.g. sent → delivered.",
  },
  'message.edited': { notice: 'message.changed', description: 'A message was edited by its author.' },
  'message.revoked': { notice: 'message.changed', description: 'A message was deleted for everyone.' },
  'message.reacted': {
    notice: 'message.changed',
    description: 'A reaction was set or cleared on a message.',
  },
  'message.updated': {
    notice: 'message.changed',
    description: 'Another change to a stored message (media kept, send outcome); `change` names it.',
  },
  'conversation.opened': { notice: 'conversation.changed', description: 'A new conversation began.' },
  'conversation.assigned': {
    notice: 'conversation.changed',
    description: 'A conversation got another assignee (or none).',
  },
  'conversation.transferred': {
    notice: 'conversation.changed',
    description: 'A conversation moved to another team (or none), perhaps with a new assignee.',
  },
  'conversation.resolved': { notice: 'conversation.changed', description: 'A conversation was resolved.' },
  'conversation.reopened': {
    notice: 'conversation.changed',
    description: 'A resolved conversation was opened again.',
  },
  'conversation.read': { notice: 'conversation.changed', description: 'An operator read a conversation.' },
  'conversation.note_added': {
    notice: 'conversation.changed',
    description: 'An internal note was written on a conversation.',
  },
  'conversation.labels_changed': {
    notice: 'conversation.changed',
    description: "A conversation's labels were replaced; `labels` is the new set.",
  },
  'conversation.snoozed': {
    notice: 'conversation.changed',
    description: 'A conversation was snoozed (pending) until `until`, or re-snoozed to another time.',
  },
  'conversation.unsnoozed': {
    notice: 'conversation.changed',
    description:
      'A snoozed conversation came back (open): its time came, the customer wrote, or an operator woke it.',
  },
  'conversation.mentioned': {
    notice: 'conversation.changed',
    description: 'A colleague (`user_id`) was @mentioned in an internal note.',
  },
  'conversation.updated': {
    notice: 'conversation.changed',
    description: 'Another change to a conversation (last message, unread count); `change` names it.',
  },
  'contact.created': { notice: 'contact.changed', description: 'A contact was seen for the first time.' },
  'contact.changed': {
    notice: 'contact.changed',
    description: "A contact's profile, identifiers or attributes changed; `change` names it.",
  },
  'contact.consent_changed': {
    notice: 'contact.changed',
    description: 'A consent record (opt-in or opt-out) was added to the ledger for a contact.',
  },
  'window.opened': {
    notice: 'conversation.changed',
    description: 'A customer message opened (or extended) the 24-hour service window.',
  },
  'number.connection_changed': {
    notice: 'number.changed',
    description: "A number's link to the WhatsApp Business app changed (`from` → `to`).",
  },
  'number.changed': {
    notice: 'number.changed',
    description: 'Another change to a number (history progress, profile); `change` names it.',
  },
  'number.sync_health_changed': {
    notice: 'number.changed',
    description:
      'A sync-health check of a number changed state (`from` → `to`), e.g. offboarded, reconnected, echoes silent.',
  },
  'failure.recorded': {
    notice: 'failure.recorded',
    description: 'Something could not be processed and awaits an operator.',
  },
  'alert.raised': { notice: 'alert.raised', description: 'An operational alert was raised for a number.' },
  'user.changed': {
    notice: 'user.changed',
    description: 'A user was created, changed or disabled; who did it.',
  },
  'security.recorded': {
    notice: 'user.changed',
    description:
      'A security event: a sign-in or failed sign-in, a lockout, a password or MFA change, user, role or token administration (no secret).',
  },
  'team.changed': {
    notice: 'user.changed',
    description: 'A team was created, changed or deleted; who did it.',
  },
  'label.changed': {
    notice: 'conversation.changed',
    description: 'A label was created, changed or deleted; who did it.',
  },
  'canned_reply.changed': {
    notice: 'settings.changed',
    description: 'A canned reply was created, changed or deleted; who did it.',
  },
  'settings.changed': { notice: 'settings.changed', description: 'Hub settings changed; which and who.' },
  'automation.control_changed': {
    notice: 'conversation.changed',
    description:
      'Humans took a conversation (a reply, take over) or automation got it back (hand back, silence, resolve).',
  },
  'automation.rule_ran': {
    notice: 'conversation.changed',
    description: 'A rule matched its trigger and ran, or did nothing; the run log says what and why.',
  },
  'automation.changed': {
    notice: 'settings.changed',
    description: 'A rule, routing policy, business hours, VIP or automation setting changed; who did it.',
  },
  'automation.flow_progressed': {
    notice: 'conversation.changed',
    description: "A conversation's flow run started, moved to a step, finished, handed off or was cancelled.",
  },
  'routing.decided': {
    notice: 'conversation.changed',
    description: 'Routing assigned a conversation to an agent, queued it, or left it (VIP); why is logged.',
  },
  'template.changed': {
    notice: 'template.changed',
    description:
      'A template was created, edited or deleted (who), or Meta changed its status, quality or category.',
  },
  'campaign.changed': {
    notice: 'campaign.changed',
    description:
      'A campaign was created, scheduled, started, paused, resumed, cancelled or completed; who did it.',
  },
  'campaign.replied': {
    notice: 'campaign.changed',
    description: 'A customer replied to (or tapped a quick reply of) a campaign message.',
  },
  'csat.requested': {
    notice: 'conversation.changed',
    description: 'A satisfaction survey was queued to the customer after a resolution.',
  },
  'csat.rated': {
    notice: 'conversation.changed',
    description: 'The customer answered a survey with a 1-5 rating.',
  },
  'csat.commented': {
    notice: 'conversation.changed',
    description: 'The customer added a comment to their rating.',
  },
  'sla.breached': {
    notice: 'conversation.changed',
    description: "A conversation missed its number's first-response or resolution target.",
  },
} as const satisfies { readonly [K in EventType]: EventSpec };

/** Every event type, in catalogue order: the runtime list docs and the web app read. */
export const eventTypes = Object.keys(eventCatalogue) as EventType[];

/** One event of the catalogue: `type` picks the payload type. */
export type DomainEvent = {
  [K in EventType]: {
    readonly type: K;
    /** The number the event belongs to (who may see it); `null` for hub-wide events. */
    readonly phoneNumberId: string | null;
    readonly payload: EventPayloads[K];
  };
}[EventType];

/** An event of one of the given types. */
export type EventOf<K extends EventType> = Extract<DomainEvent, { type: K }>;

/** Whether `name` is a catalogue event type (for names read back from the log or from input). */
export function isEventType(name: string): name is EventType {
  return Object.hasOwn(eventCatalogue, name);
}

/** The stream notice an event type travels as. */
export function noticeOf(type: EventType): StreamNotice {
  return eventCatalogue[type].notice;
}
