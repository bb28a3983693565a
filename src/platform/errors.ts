/**
 * The one catalogue of error codes the hub returns. Each code has a fixed HTTP status and
 * says whether retrying the same request can succeed. `docs/errors.md` lists the same codes;
 * a test keeps the two in step.
 */
export const errorCatalogue = {
  VALIDATION_FAILED: { status: 400, retryable: false, message: 'The request is not valid.' },
  NOT_FOUND: { status: 404, retryable: false, message: 'Not found.' },
  ROUTE_NOT_FOUND: { status: 404, retryable: false, message: 'No such route.' },
  UNAUTHENTICATED: { status: 401, retryable: false, message: 'Authentication is required.' },
  FORBIDDEN: { status: 403, retryable: false, message: 'You may not do this.' },
  CSRF_TOKEN_INVALID: { status: 403, retryable: false, message: 'The CSRF token is missing or wrong.' },
  CONFLICT: { status: 409, retryable: false, message: 'The request conflicts with the current state.' },
  PAYLOAD_TOO_LARGE: { status: 413, retryable: false, message: 'The request body is too large.' },
  RATE_LIMITED: { status: 429, retryable: true, message: 'Too many requests; slow down.' },
  TOKEN_SCOPE_INSUFFICIENT: {
    status: 403,
    retryable: false,
    message: "The API token's scope does not allow this request.",
  },
  CONTACT_HAS_CONVERSATIONS: {
    status: 409,
    retryable: false,
    message: 'The contact has conversations and cannot be deleted.',
  },
  INTERNAL: { status: 500, retryable: true, message: 'Something went wrong on our side.' },
  DATABASE_UNAVAILABLE: {
    status: 503,
    retryable: true,
    message: 'The database is unreachable or too slow; retry shortly.',
  },
  WEBHOOK_SIGNATURE_INVALID: {
    status: 401,
    retryable: false,
    message: 'The X-Hub-Signature-256 header is missing or does not match the body.',
  },
  WEBHOOK_VERIFY_FAILED: { status: 403, retryable: false, message: 'The verify token does not match.' },
  FAILURE_NOT_RETRYABLE: { status: 409, retryable: false, message: 'This failure is already resolved.' },
  MESSAGE_WINDOW_CLOSED: {
    status: 422,
    retryable: false,
    message: 'The customer-service window is closed; send an approved template instead.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    retryable: false,
    message: 'This Idempotency-Key was already used with a different request body.',
  },
  IDEMPOTENCY_KEY_IN_FLIGHT: {
    status: 409,
    retryable: true,
    message: 'A request with this Idempotency-Key is still being processed.',
  },
  TEMPLATE_NOT_APPROVED: { status: 422, retryable: false, message: 'The template is not approved.' },
  PASSWORD_INCORRECT: {
    status: 403,
    retryable: false,
    message: 'The password is wrong.',
  },
  REAUTHENTICATION_REQUIRED: {
    status: 403,
    retryable: false,
    message: 'Confirm this change with your current password (and a code when MFA is on).',
  },
  MEDIA_NOT_AVAILABLE: {
    status: 404,
    retryable: true,
    message: 'The media could not be fetched from Meta (yet).',
  },
  TEMPLATE_NOT_FOUND: { status: 422, retryable: false, message: 'No such template in that language.' },
  TEMPLATE_PARAMETERS_INVALID: {
    status: 422,
    retryable: false,
    message: "The parameters do not match the template's placeholders.",
  },
  CONTACT_OPTED_OUT: {
    status: 422,
    retryable: false,
    message: 'The contact opted out of marketing messages.',
  },
  CONTACT_NOT_OPTED_IN: {
    status: 422,
    retryable: false,
    message: 'The contact has not opted in to marketing messages, and the number requires an opt-in.',
  },
  AUTOMATION_PAUSED: {
    status: 409,
    retryable: false,
    message: 'Humans are in control of this conversation; automation does not send.',
  },
  AUTOMATION_LOOP_LIMIT: {
    status: 429,
    retryable: true,
    message: 'Automation sent too many messages in this conversation in the last hour.',
  },
  NUMBER_NOT_CONNECTED: {
    status: 422,
    retryable: false,
    message: 'The phone number is not connected to the Cloud API.',
  },
  NUMBER_NOT_IN_WABA: {
    status: 422,
    retryable: false,
    message: 'Graph does not list this phone number under that business account.',
  },
  WABA_IN_OTHER_ORGANISATION: {
    status: 409,
    retryable: false,
    message: 'This business account is connected to another organisation.',
  },
  INVITATION_INVALID: {
    status: 410,
    retryable: false,
    message: 'This invitation is unknown, was used or revoked, or has expired.',
  },
  LOGIN_FAILED: { status: 401, retryable: false, message: 'Wrong email or password.' },
  MFA_REQUIRED: { status: 401, retryable: false, message: 'A one-time code is required.' },
  MFA_INVALID: { status: 401, retryable: false, message: 'The one-time code is wrong.' },
  MFA_ENROLMENT_REQUIRED: {
    status: 403,
    retryable: false,
    message: 'Your role requires two-factor authentication; enrol first.',
  },
  LOGIN_THROTTLED: { status: 429, retryable: true, message: 'Too many attempts; try again later.' },
  GRAPH_REQUEST_FAILED: {
    status: 502,
    retryable: true,
    message: "Meta's Graph API refused or did not answer the request.",
  },
  SYNC_OUTCOME_UNKNOWN: {
    status: 409,
    retryable: false,
    message:
      'Meta did not answer the sync request (timeout or server error), so it may have been accepted; it is not made again unless a person decides so.',
  },
  ONBOARDING_NOT_CONFIGURED: {
    status: 409,
    retryable: false,
    message: 'Embedded Signup is not configured on this hub (META_APP_ID and META_SIGNUP_CONFIG_ID).',
  },
  SYNC_REQUEST_REFUSED: {
    status: 409,
    retryable: false,
    message: 'Meta refused the coexistence sync request; it cannot be requested again for this onboarding.',
  },
  SEND_OUTCOME_UNKNOWN: {
    status: 409,
    retryable: false,
    message: 'The send may or may not have reached Meta; resolve it before sending again.',
  },
  SEND_NOT_UNKNOWN: {
    status: 409,
    retryable: false,
    message: 'Only a send whose outcome is unknown can be resolved; this one is not (any more).',
  },
  SEND_DEADLINE_PASSED: {
    status: 422,
    retryable: false,
    message: 'The message was still queued at its deadline (a campaign end, say) and was not sent.',
  },
  META_UNREACHABLE: {
    status: 503,
    retryable: true,
    message: "Meta's Cloud API refuses connections; queued messages wait and go once it answers.",
  },
  WEBHOOK_URL_REFUSED: {
    status: 422,
    retryable: false,
    message: 'The webhook URL is not allowed: it must be http(s) and reach a public address.',
  },
  LEGAL_HOLD_ACTIVE: {
    status: 409,
    retryable: false,
    message: 'A legal hold covers this content; it cannot be erased or purged until the hold is released.',
  },
} as const satisfies Record<string, { status: number; retryable: boolean; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

/** An error with a stable code that the HTTP layer turns into `{ error: { code, message, details? } }`. */
export class AppError extends Error {
  readonly status: number;
  readonly retryable: boolean;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: unknown,
  ) {
    const entry = errorCatalogue[code];
    super(message ?? entry.message);
    this.name = 'AppError';
    this.status = entry.status;
    this.retryable = entry.retryable;
  }
}

/** The JSON body of every error the API returns. */
export type ErrorBody = { error: { code: string; message: string; details?: unknown } };

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}
