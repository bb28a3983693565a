import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { GraphError, SendOutcome } from '../graph/graph-types.ts';
import { pauseNumber, raiseAlert } from './alerts.ts';
import { classifyError, type ErrorAction, errorJson } from './error-policy.ts';
import type { ClaimedJob, JobResult } from './outbox.repository.ts';
import type { SendRefusal } from './send-policy.ts';
import { alertUnknownSends } from './unknown-sends.ts';

/** A database write queued by the sender and run in its next flush, inside one transaction. */
export type SideEffect = (trx: Kysely<DB>) => Promise<void>;

/** What the outcome policy needs to judge one send. Plain values: the policy reads no clock or state. */
export type OutcomeInput = {
  readonly phoneNumberId: string;
  readonly wabaId: string;
  readonly claimed: ClaimedJob;
  /** The job's pair-limit backoffs so far (the exponent of the recipient backoff). */
  readonly pairBackoffs: number;
  readonly outcome: SendOutcome;
  /** The clock's time when the outcome arrived (stored times, backoffs). */
  readonly now: number;
  /** Monotonic time when the outcome arrived (rate pacing). */
  readonly realNow: number;
  /** The number's current rate factor (1 is full speed) and when it last changed (monotonic). */
  readonly rateFactor: number;
  readonly lastRateChangeAt: number;
};

/**
 * What the sender does with one send's outcome. `result` is written back in the next batch,
 * `effects` run in the same flush; the other fields change the sender's memory.
 */
export type OutcomeDecision = {
  readonly result: JobResult;
  readonly effects: readonly SideEffect[];
  /** The number's new rate factor, or null to keep it. */
  readonly rateChange: number | null;
  /** What the outcome says about reaching Meta: the connection was refused, Meta answered, or neither. */
  readonly reach: 'refused' | 'answered' | null;
  /** Pause the number until this time (clock), unless it is already paused longer. */
  readonly pauseUntil: number | null;
  /** Pause the number until an operator resolves the alert. */
  readonly pauseIndefinitely: boolean;
  /** Hold the recipient's later messages behind this send (its outcome is unknown). */
  readonly holdRecipient: boolean;
  /** Spend the recipient's pair limit (Meta's pair rate limit was hit). */
  readonly exhaustPair: boolean;
  /** Set when Meta refused the send: what to log. */
  readonly refusal: { readonly error: GraphError; readonly action: ErrorAction['kind'] } | null;
};

/** After a slow-down, the rate recovers by 10 % at most this often. */
const RATE_RECOVERY_MS = 10_000;
const NO_EFFECTS: readonly SideEffect[] = [];
/** The fields of a decision that changes nothing but the job's result. */
const NO_CHANGE = {
  effects: NO_EFFECTS,
  rateChange: null,
  reach: null,
  pauseUntil: null,
  pauseIndefinitely: false,
  holdRecipient: false,
  exhaustPair: false,
  refusal: null,
} as const;

/**
 * Turns the outcome of one send into its result, its queued writes and the sender's reaction
 * (cloud-api.md §4.2, §4.3; the error policy in `error-policy.ts`). Pure: nothing happens until
 * the sender applies the decision.
 */
export function decideOutcome(input: OutcomeInput): OutcomeDecision {
  const { outcome, claimed } = input;
  if (outcome.kind === 'unreachable') {
    // Provably not sent: the message keeps its place and its attempts; the number backs off.
    return {
      ...NO_CHANGE,
      result: {
        kind: 'requeue',
        jobId: claimed.jobId,
        messageId: claimed.messageId,
        notBefore: null,
        pairBackoffs: input.pairBackoffs,
        refundAttempt: true,
        errorJson: errorJson(
          null,
          `Meta's Cloud API could not be reached (${outcome.reason}); the message was not sent and waits.`,
          'META_UNREACHABLE',
        ),
      },
      reach: 'refused',
    };
  }
  if (outcome.kind === 'accepted') {
    const recover = input.rateFactor < 1 && input.realNow - input.lastRateChangeAt > RATE_RECOVERY_MS;
    // The hot path (every accepted message): one literal, no spread.
    return {
      result: { kind: 'accepted', jobId: claimed.jobId, messageId: claimed.messageId, wamid: outcome.wamid },
      effects: NO_EFFECTS,
      rateChange: recover ? Math.min(1, input.rateFactor * 1.1) : null,
      reach: 'answered',
      pauseUntil: null,
      pauseIndefinitely: false,
      holdRecipient: false,
      exhaustPair: false,
      refusal: null,
    };
  }
  if (outcome.kind === 'unknown') return unknownOutcome(input, outcome);
  return refusedOutcome(input, outcome.error);
}

function unknownOutcome(
  input: OutcomeInput,
  outcome: Extract<SendOutcome, { kind: 'unknown' }>,
): OutcomeDecision {
  const { phoneNumberId, wabaId, now } = input;
  return {
    ...NO_CHANGE,
    result: {
      kind: 'unknown',
      jobId: input.claimed.jobId,
      messageId: input.claimed.messageId,
      errorJson: errorJson(
        outcome.error,
        `The send's outcome is unknown (${outcome.reason}); it may have reached Meta. A status webhook or an operator resolves it.`,
        'SEND_OUTCOME_UNKNOWN',
      ),
    },
    effects: [(trx) => alertUnknownSends(trx, { phoneNumberId, wabaId, count: 1, now })],
    // An error body is an answer from Meta; a timeout or a reset is not.
    reach: outcome.error !== null ? 'answered' : null,
    holdRecipient: true,
  };
}

function refusedOutcome(input: OutcomeInput, error: GraphError): OutcomeDecision {
  const { claimed, now, pairBackoffs } = input;
  const action = classifyError(error, claimed.attempts);
  const refused = { ...NO_CHANGE, reach: 'answered', refusal: { error, action: action.kind } } as const;
  const requeue = (notBefore: number | null, refundAttempt: boolean, backoffs = pairBackoffs): JobResult => ({
    kind: 'requeue',
    jobId: claimed.jobId,
    messageId: claimed.messageId,
    notBefore,
    pairBackoffs: backoffs,
    refundAttempt,
    errorJson: errorJson(error, error.message),
  });
  switch (action.kind) {
    case 'retry':
      return { ...refused, result: requeue(now + action.delayMs, false) };
    case 'number_backoff':
      return {
        ...refused,
        result: requeue(null, true),
        effects: [backoffEffect(input, error, now + action.delayMs)],
        rateChange: action.slowDown ? Math.max(0.3, input.rateFactor * 0.75) : null,
        pauseUntil: now + action.delayMs,
      };
    case 'recipient_backoff':
      return {
        ...refused,
        result: requeue(now + 4 ** pairBackoffs * 1000, true, pairBackoffs + 1),
        exhaustPair: true,
      };
    case 'pause_number':
      return {
        ...refused,
        result: requeue(null, true),
        effects: [pauseEffect(input, error, action.alertTitle)],
        pauseIndefinitely: true,
      };
    case 'fail':
      return {
        ...refused,
        result: {
          kind: 'failed',
          jobId: claimed.jobId,
          messageId: claimed.messageId,
          errorJson: errorJson(error, action.reason),
        },
        effects: action.alert ? [failAlertEffect(input, error, action.reason)] : NO_EFFECTS,
      };
  }
}

/**
 * The result of a send the send policy refused at dispatch (something changed while it waited):
 * a hold keeps it queued with its attempt given back, anything else fails it.
 */
export function refusedAtDispatch(
  claimed: ClaimedJob,
  pairBackoffs: number,
  refusal: SendRefusal,
): JobResult {
  const json = errorJson(null, refusal.message, refusal.code);
  if (refusal.hold) {
    // The number went away while the job waited: it stays queued until the number is back.
    return {
      kind: 'requeue',
      jobId: claimed.jobId,
      messageId: claimed.messageId,
      notBefore: null,
      pairBackoffs,
      refundAttempt: true,
      errorJson: json,
    };
  }
  return { kind: 'failed', jobId: claimed.jobId, messageId: claimed.messageId, errorJson: json };
}

function alertMessage(error: GraphError): string {
  return `${error.message}${error.details ? ` — ${error.details}` : ''}`;
}

function backoffEffect(input: OutcomeInput, error: GraphError, until: number): SideEffect {
  const { phoneNumberId, now } = input;
  return (trx) =>
    pauseNumber(trx, {
      phoneNumberId,
      kind: 'backoff',
      until,
      reason: `Meta error ${error.code}: ${error.message}`,
      alertId: null,
      now,
    });
}

function pauseEffect(input: OutcomeInput, error: GraphError, title: string): SideEffect {
  const { phoneNumberId, wabaId, now } = input;
  return async (trx) => {
    const alertId = await raiseAlert(trx, {
      phoneNumberId,
      wabaId,
      code: String(error.code),
      title,
      message: alertMessage(error),
      details: { fbtrace_id: error.fbtraceId, http_status: error.httpStatus },
      now,
    });
    await pauseNumber(trx, { phoneNumberId, kind: 'alert', until: null, reason: title, alertId, now });
  };
}

function failAlertEffect(input: OutcomeInput, error: GraphError, reason: string): SideEffect {
  const { phoneNumberId, wabaId, now } = input;
  return async (trx) => {
    await raiseAlert(trx, {
      phoneNumberId,
      wabaId,
      code: String(error.code),
      title: reason,
      message: alertMessage(error),
      details: { fbtrace_id: error.fbtraceId },
      now,
    });
  };
}
