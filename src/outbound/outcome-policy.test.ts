import { describe, expect, it } from 'vitest';
import type { GraphError, SendOutcome } from '../graph/graph-types.ts';
import type { ClaimedJob, JobResult } from './outbox.repository.ts';
import {
  decideOutcome,
  type OutcomeDecision,
  type OutcomeInput,
  refusedAtDispatch,
} from './outcome-policy.ts';
import type { SendFacts } from './send-policy.ts';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const REAL_NOW = 50_000;

const claimed: ClaimedJob = {
  jobId: 7,
  messageId: 'msg-7',
  type: 'text',
  contentJson: '{"body":"hi"}',
  contextWamid: null,
  waId: '15550001111',
  bsuid: null,
  attempts: 1,
  // The outcome policy never reads the dispatch facts (the send policy does, before the send).
  facts: {} as SendFacts,
};

function graphError(code: number | null, extra: Partial<GraphError> = {}): GraphError {
  return {
    httpStatus: 400,
    code,
    subcode: null,
    title: `Error ${code}`,
    message: `Meta says ${code}`,
    details: null,
    fbtraceId: 'trace-1',
    isTransient: null,
    ...extra,
  };
}

const rejected = (code: number | null, extra?: Partial<GraphError>): SendOutcome => ({
  kind: 'rejected',
  error: graphError(code, extra),
});

function decide(outcome: SendOutcome, overrides: Partial<OutcomeInput> = {}): OutcomeDecision {
  return decideOutcome({
    phoneNumberId: 'pn-1',
    wabaId: 'waba-1',
    claimed,
    pairBackoffs: 2,
    outcome,
    now: NOW,
    realNow: REAL_NOW,
    rateFactor: 1,
    lastRateChangeAt: 0,
    ...overrides,
  });
}

/** The decision without its effects (closures over a transaction), plus how many there are. */
function summary(decision: OutcomeDecision) {
  const { effects, result, ...rest } = decision;
  const { errorJson, ...shape } = result as JobResult & { errorJson?: string };
  return {
    ...rest,
    result: shape,
    error: errorJson === undefined ? undefined : JSON.parse(errorJson),
    effects: effects.length,
  };
}

const quiet = {
  rateChange: null,
  pauseUntil: null,
  pauseIndefinitely: false,
  holdRecipient: false,
  exhaustPair: false,
  refusal: null,
};
const ids = { jobId: 7, messageId: 'msg-7' };

type Row = {
  readonly name: string;
  readonly outcome: SendOutcome;
  readonly input?: Partial<OutcomeInput>;
  readonly expected: Partial<ReturnType<typeof summary>>;
};

const table: Row[] = [
  {
    name: 'accepted: the wamid is kept; Meta answered',
    outcome: { kind: 'accepted', wamid: 'wamid.A', waId: null, input: null, messageStatus: null },
    expected: {
      ...quiet,
      result: { kind: 'accepted', ...ids, wamid: 'wamid.A' },
      reach: 'answered',
      effects: 0,
    },
  },
  {
    name: 'accepted after a slow-down more than 10 s ago: the rate recovers by 10 %',
    outcome: { kind: 'accepted', wamid: 'wamid.B', waId: null, input: null, messageStatus: null },
    input: { rateFactor: 0.5, lastRateChangeAt: REAL_NOW - 10_001 },
    expected: { rateChange: 0.55, reach: 'answered', effects: 0 },
  },
  {
    name: 'accepted within 10 s of a slow-down: the rate stays',
    outcome: { kind: 'accepted', wamid: 'wamid.C', waId: null, input: null, messageStatus: null },
    input: { rateFactor: 0.5, lastRateChangeAt: REAL_NOW - 10_000 },
    expected: { rateChange: null },
  },
  {
    name: 'unreachable: queued again with its attempt given back; the connection was refused',
    outcome: { kind: 'unreachable', reason: 'ECONNREFUSED' },
    expected: {
      ...quiet,
      result: { kind: 'requeue', ...ids, notBefore: null, pairBackoffs: 2, refundAttempt: true },
      reach: 'refused',
      effects: 0,
    },
  },
  {
    name: 'unknown (timeout): unknown, the recipient held, one alert queued; no answer from Meta',
    outcome: { kind: 'unknown', reason: 'timeout', error: null },
    expected: {
      ...quiet,
      result: { kind: 'unknown', ...ids },
      holdRecipient: true,
      reach: null,
      effects: 1,
    },
  },
  {
    name: 'unknown with a 5xx error body: Meta answered',
    outcome: { kind: 'unknown', reason: 'HTTP 500', error: graphError(131000, { httpStatus: 500 }) },
    expected: { result: { kind: 'unknown', ...ids }, holdRecipient: true, reach: 'answered', effects: 1 },
  },
  {
    name: 'transient 131000 on the first attempt: retried after 1 s, the attempt counts',
    outcome: rejected(131000),
    expected: {
      ...quiet,
      result: { kind: 'requeue', ...ids, notBefore: NOW + 1000, pairBackoffs: 2, refundAttempt: false },
      reach: 'answered',
      refusal: { error: graphError(131000), action: 'retry' },
      effects: 0,
    },
  },
  {
    name: 'throughput 130429: the number pauses and slows to 75 %, the message waits',
    outcome: rejected(130429),
    expected: {
      result: { kind: 'requeue', ...ids, notBefore: null, pairBackoffs: 2, refundAttempt: true },
      rateChange: 0.75,
      pauseUntil: NOW + 1000,
      pauseIndefinitely: false,
      effects: 1,
    },
  },
  {
    name: 'slow-down never goes below 30 %',
    outcome: rejected(4),
    input: { rateFactor: 0.35 },
    expected: { rateChange: 0.3, pauseUntil: NOW + 60_000 },
  },
  {
    name: 'spam limit 80007: the number pauses 60 s without slowing down',
    outcome: rejected(80007),
    expected: { rateChange: null, pauseUntil: NOW + 60_000, effects: 1 },
  },
  {
    name: 'pair limit 131056: the recipient backs off 4^2 s and its pair limit is spent',
    outcome: rejected(131056),
    expected: {
      ...quiet,
      result: { kind: 'requeue', ...ids, notBefore: NOW + 16_000, pairBackoffs: 3, refundAttempt: true },
      exhaustPair: true,
      reach: 'answered',
      refusal: { error: graphError(131056), action: 'recipient_backoff' },
      effects: 0,
    },
  },
  {
    name: 'expired token 190: the number pauses until an operator resolves the alert',
    outcome: rejected(190),
    expected: {
      result: { kind: 'requeue', ...ids, notBefore: null, pairBackoffs: 2, refundAttempt: true },
      pauseIndefinitely: true,
      pauseUntil: null,
      effects: 1,
    },
  },
  {
    name: 'window closed 131047: the message fails, no alert',
    outcome: rejected(131047),
    expected: {
      ...quiet,
      result: { kind: 'failed', ...ids },
      reach: 'answered',
      refusal: { error: graphError(131047), action: 'fail' },
      effects: 0,
    },
  },
  {
    name: 'template missing 132001: the message fails and an alert is raised',
    outcome: rejected(132001),
    expected: { result: { kind: 'failed', ...ids }, pauseIndefinitely: false, effects: 1 },
  },
];

describe('decideOutcome', () => {
  it.each(table)('$name', ({ outcome, input, expected }) => {
    expect(summary(decide(outcome, input))).toMatchObject(expected);
  });

  it('stores what Meta said on a refusal, and the reason a failure gives', () => {
    const window = summary(decide(rejected(131047)));
    expect(window.error).toMatchObject({
      code: 131047,
      message:
        'The customer-service window is closed (more than 24 h since the customer wrote); send a template.',
      fbtrace_id: 'trace-1',
      http_status: 400,
    });
    expect(summary(decide({ kind: 'unreachable', reason: 'ECONNREFUSED' })).error).toMatchObject({
      code: 'META_UNREACHABLE',
    });
    expect(summary(decide({ kind: 'unknown', reason: 'timeout', error: null })).error).toMatchObject({
      code: 'SEND_OUTCOME_UNKNOWN',
    });
  });

  it('gives up a transient error after five attempts', () => {
    const decision = decide(rejected(131000), { claimed: { ...claimed, attempts: 5 } });
    expect(decision.result.kind).toBe('failed');
  });
});

describe('refusedAtDispatch', () => {
  const refusal = { code: 'NUMBER_NOT_CONNECTED', message: 'gone', details: {} } as const;

  it('keeps a held message queued with its attempt given back', () => {
    expect(refusedAtDispatch(claimed, 2, { ...refusal, hold: true })).toMatchObject({
      kind: 'requeue',
      ...ids,
      notBefore: null,
      pairBackoffs: 2,
      refundAttempt: true,
    });
  });

  it('fails any other refusal with its code', () => {
    const result = refusedAtDispatch(claimed, 2, { ...refusal, code: 'MESSAGE_WINDOW_CLOSED', hold: false });
    expect(result.kind).toBe('failed');
    expect(JSON.parse((result as { errorJson: string }).errorJson)).toMatchObject({
      code: 'MESSAGE_WINDOW_CLOSED',
    });
  });
});
