import { type ConsentFacts, decideMarketingConsent } from '../consent/consent-policy.ts';
import { isWindowOpen } from '../conversations/window.ts';
import type { ErrorCode } from '../platform/errors.ts';
import { type AutomatedSendFacts, automatedSendHold } from './automation-hold.ts';
import { needsOpenWindow } from './message-content.ts';

/**
 * The one send policy: whether a message may go to a customer now. Every origin (agent, API, bot,
 * campaign) passes it twice: when the message is queued (a refusal is the API's error) and again
 * just before the sender dispatches it (a refusal fails the queued message with the same code),
 * because the window, consent, the number and the template can all change while it waits.
 */

/** What the policy looks at: the same facts at enqueue and at dispatch. */
export type SendFacts = {
  readonly number: {
    readonly id: string;
    readonly display_phone_number: string;
    readonly connection_state: string;
  };
  readonly contact: {
    readonly id: string;
    readonly marketing_opt_out: number;
    readonly marketing_opt_out_at: number | null;
  };
  readonly conversation: { readonly window_expires_at: number | null };
  /** The contact's marketing consent under the number's policy (`consent/consent-policy.ts`). */
  readonly consent: ConsentFacts;
  /** The message type (`text`, `template`, …). */
  readonly type: string;
  /** For a template send: the stored template (null when there is none in that language). */
  readonly template?: {
    readonly name: string;
    readonly language: string;
    readonly status: string;
    readonly category: string | null;
    readonly reason: string | null;
  } | null;
  /** The message's own deadline (a campaign's end): past it, the message does not go. */
  readonly deadline?: number | null;
  /** For an automated (bot or rule) message at dispatch: whether humans hold its conversation. */
  readonly automation?: AutomatedSendFacts | undefined;
  readonly now: number;
};

/** Why a message may not go, with the catalogue code the API answers and the message fails with. */
export type SendRefusal = {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details: Record<string, unknown>;
  /** True when the message should wait rather than fail (the number is not connected right now). */
  readonly hold: boolean;
};

/** Whether a template category is marketing (the category whose consent a contact may withdraw). */
export function isMarketingCategory(category: string | null | undefined): boolean {
  return category?.toUpperCase() === 'MARKETING';
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Decides a send. `stage` only changes the wording: at `dispatch` the message was accepted earlier
 * and something changed while it waited. Returns null when the message may go.
 */
export function decideSend(facts: SendFacts, stage: 'enqueue' | 'dispatch'): SendRefusal | null {
  const { number, contact, conversation, now } = facts;
  if (facts.automation) {
    // The coexistence handoff: a bot or rule message queued before a human reply is cancelled.
    const hold = automatedSendHold(facts.automation, now);
    if (hold) {
      return {
        code: 'AUTOMATION_PAUSED',
        message:
          hold.reason === 'human_replied'
            ? 'Cancelled: a human replied in this conversation after this automated message was queued.'
            : 'Cancelled: humans are in control of this conversation.',
        details: { reason: hold.reason, until: iso(hold.until) },
        hold: false,
      };
    }
  }
  if (number.connection_state !== 'connected') {
    return {
      code: 'NUMBER_NOT_CONNECTED',
      message: `Phone number ${number.display_phone_number} is ${number.connection_state}.`,
      details: { phone_number_id: number.id, connection_state: number.connection_state },
      hold: true,
    };
  }
  if (facts.deadline != null && now > facts.deadline) {
    return {
      code: 'SEND_DEADLINE_PASSED',
      message: `The message could not be sent before its deadline (${iso(facts.deadline)}).`,
      details: { deadline: iso(facts.deadline) },
      hold: false,
    };
  }
  if (needsOpenWindow({ type: facts.type }) && !isWindowOpen(conversation, now)) {
    return {
      code: 'MESSAGE_WINDOW_CLOSED',
      message:
        stage === 'dispatch'
          ? 'The customer-service window closed before the message could be sent; send a template.'
          : conversation.window_expires_at === null
            ? 'The customer has not written to this number yet; only an approved template can start the conversation.'
            : 'The customer-service window closed; send an approved template instead.',
      details: {
        closed_at: iso(conversation.window_expires_at),
        hint: 'Send an approved template (type "template"); the window reopens when the customer writes.',
      },
      hold: false,
    };
  }
  if (facts.type !== 'template') return null;
  const template = facts.template;
  if (template && template.status.toUpperCase() !== 'APPROVED') {
    return {
      code: 'TEMPLATE_NOT_APPROVED',
      message:
        stage === 'dispatch'
          ? `Template "${template.name}" became ${template.status} before the message could be sent.`
          : `Template "${template.name}" is ${template.status}, not APPROVED.`,
      details: {
        name: template.name,
        language: template.language,
        status: template.status,
        reason: template.reason,
      },
      hold: false,
    };
  }
  if (template && isMarketingCategory(template.category)) {
    // Consent, written once (consent/consent-policy.ts): the number's policy over the ledger's state.
    const refusal = decideMarketingConsent(contact.id, facts.consent, contact, stage);
    if (refusal) return { ...refusal, hold: false };
  }
  return null;
}
