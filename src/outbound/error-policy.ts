import type { GraphError } from '../graph/graph-types.ts';

/** What the sender does with a send Meta refused (cloud-api.md §4.2, §4.3). */
export type ErrorAction =
  /** Transient: send the same request again after `delayMs`, up to a few attempts. */
  | { readonly kind: 'retry'; readonly delayMs: number }
  /** The number's rate: pause the number for `delayMs`, slow down, keep the message queued. */
  | { readonly kind: 'number_backoff'; readonly delayMs: number; readonly slowDown: boolean }
  /** The pair limit: hold this recipient's queue for 4^X s, keep the message queued. */
  | { readonly kind: 'recipient_backoff' }
  /** Account-level: pause the number until an operator resolves the alert; the message stays queued. */
  | { readonly kind: 'pause_number'; readonly alertTitle: string }
  /** Permanent for this message; `alert` also raises an alert (template problems, unknown codes). */
  | { readonly kind: 'fail'; readonly reason: string; readonly alert: boolean };

const MAX_TRANSIENT_ATTEMPTS = 5;

const FAIL_REASONS: Record<number, string> = {
  100: 'Meta refused a parameter of the message (invalid or too long).',
  130403: 'The business blocked this customer.',
  130472: "The customer is part of Meta's marketing experiment; the message was not sent.",
  130497: 'The business may not message customers in that country.',
  131008: 'A required parameter is missing.',
  131009: 'A parameter value is not valid.',
  131021: 'The recipient is the sending number itself.',
  131026: 'The recipient cannot receive this message (not on WhatsApp, old app, or terms not accepted).',
  131047: 'The customer-service window is closed (more than 24 h since the customer wrote); send a template.',
  131049: "Meta held this marketing message to protect the customer's experience; do not resend within 24 h.",
  131050: 'The customer stopped marketing messages from this business.',
  131051: 'Meta does not support this message type.',
  131053: 'The media could not be uploaded or has the wrong type.',
  131063: 'Marketing messages are switched off for the Cloud API on this account.',
  132000: "The number of parameters does not match the template's placeholders.",
  132001: 'The template does not exist in that language or is not approved.',
  132005: 'The translated template text is too long.',
  132007: 'The template content violates WhatsApp policy.',
  132012: "The parameter format does not match the template's.",
  132015: 'The template is paused for low quality.',
  132016: 'The template is permanently disabled.',
};

/** Codes that fail the message and also need a human (template cache, policy). */
const FAIL_WITH_ALERT = new Set([131063, 132001, 132007, 132015, 132016]);

const PAUSE_TITLES: Record<number, string> = {
  0: 'The access token is not valid (code 0); renew it, then resolve this alert.',
  190: 'The access token expired or is invalid (code 190); renew it, then resolve this alert.',
  3: 'The app lacks a capability or permission (code 3).',
  10: 'The app lacks a permission (code 10).',
  368: 'The business account is restricted for a policy violation (code 368).',
  131005: 'A permission is not granted (code 131005).',
  131031: 'The business account is locked (code 131031).',
  131037: 'The number has no approved display name (code 131037).',
  131042: 'There is a payment problem on the account (code 131042).',
  131045: 'The number has a registration problem (code 131045).',
  131048:
    'Spam rate limit: Meta restricted this number for quality (code 131048). Automatic sending stopped.',
  133010: 'The phone number is not registered (code 133010).',
};

/** Maps a refused send to the sender's reaction. `attempts` counts the tries made so far, this one included. */
export function classifyError(error: GraphError, attempts: number): ErrorAction {
  const code = error.code;
  const backoff = Math.min(60_000, 1000 * 2 ** Math.max(0, attempts - 1));
  if (code === null) {
    // No Graph error body and nothing sent (connection refused): safe to try again.
    return attempts < MAX_TRANSIENT_ATTEMPTS
      ? { kind: 'retry', delayMs: backoff }
      : { kind: 'fail', reason: error.message, alert: false };
  }
  if (code === 130429) return { kind: 'number_backoff', delayMs: Math.min(backoff, 5000), slowDown: true };
  if (code === 4) return { kind: 'number_backoff', delayMs: 60_000, slowDown: true };
  if (code === 80007) return { kind: 'number_backoff', delayMs: 60_000, slowDown: false };
  if (code === 131057) return { kind: 'number_backoff', delayMs: 60_000, slowDown: false };
  if (code === 131064) return { kind: 'pause_number', alertTitle: 'Messaging limit reduced (code 131064).' };
  if (code === 131056) return { kind: 'recipient_backoff' };
  const pause =
    PAUSE_TITLES[code] ?? (code >= 200 && code <= 299 ? `Permission missing (code ${code}).` : null);
  if (pause) return { kind: 'pause_number', alertTitle: pause };
  const transient = [1, 2, 131000, 131016, 133004].includes(code) || error.isTransient === true;
  if (transient) {
    return attempts < MAX_TRANSIENT_ATTEMPTS
      ? { kind: 'retry', delayMs: backoff }
      : { kind: 'fail', reason: `${error.message} (gave up after ${attempts} attempts)`, alert: false };
  }
  const reason = FAIL_REASONS[code];
  if (reason) return { kind: 'fail', reason, alert: FAIL_WITH_ALERT.has(code) };
  return { kind: 'fail', reason: `Meta refused the message: ${error.message}`, alert: true };
}

/** The `error_json` stored on a failed message (Meta's error item shape, which the API mapper reads). */
export function errorJson(error: GraphError | null, reason: string, code?: string): string {
  return JSON.stringify({
    code: error?.code ?? code ?? null,
    title: error?.title ?? reason,
    message: reason,
    error_data: { details: reason },
    ...(error?.details ? { meta_details: error.details } : {}),
    ...(error?.fbtraceId ? { fbtrace_id: error.fbtraceId } : {}),
    ...(error ? { http_status: error.httpStatus } : {}),
  });
}
