import { request } from 'undici';
import { assertUrlAllowed, type EgressPolicy, EgressRefusedError, egressAgent } from './egress.ts';

/** Longest response body kept in the delivery log. */
export const MAX_RESPONSE_BODY = 4_096;

/** What one HTTP attempt gave: a status (any), or an error before or instead of a response. */
export type AttemptResult = {
  readonly status: number | null;
  readonly headers: Record<string, string> | null;
  readonly body: string | null;
  readonly error: string | null;
  /** The receiver's `Retry-After`, as sent. */
  readonly retryAfter: string | undefined;
  /** Refused by the egress policy (no connection was made). */
  readonly refused: boolean;
};

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = (Array.isArray(value) ? value.join(', ') : value).slice(0, 512);
  }
  return out;
}

function refusedIn(error: unknown): EgressRefusedError | null {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    if (e instanceof EgressRefusedError) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/**
 * POSTs one signed body to `url` through the egress agent (addresses checked after resolution; no
 * redirects followed, so a 3xx is a failure like any other non-2xx). Reads at most
 * {@link MAX_RESPONSE_BODY} characters of the response. Never throws.
 */
export async function sendAttempt(input: {
  url: string;
  headers: Record<string, string>;
  body: string;
  policy: EgressPolicy;
  signal?: AbortSignal;
}): Promise<AttemptResult> {
  try {
    assertUrlAllowed(input.url, input.policy);
    const response = await request(input.url, {
      method: 'POST',
      headers: input.headers,
      body: input.body,
      dispatcher: egressAgent(input.policy),
      ...(input.signal ? { signal: input.signal } : {}),
    });
    let body = '';
    for await (const chunk of response.body) {
      body += (chunk as Buffer).toString('utf8');
      if (body.length >= MAX_RESPONSE_BODY) break;
    }
    if (body.length >= MAX_RESPONSE_BODY) response.body.destroy();
    const headers = flatten(response.headers);
    const retryAfter = headers['retry-after'];
    return {
      status: response.statusCode,
      headers,
      body: body.slice(0, MAX_RESPONSE_BODY),
      error: null,
      retryAfter,
      refused: false,
    };
  } catch (error) {
    const refusal = refusedIn(error);
    const message = refusal
      ? `refused: ${refusal.message}`
      : error instanceof Error
        ? `${error.name}: ${error.message}`
        : String(error);
    return {
      status: null,
      headers: null,
      body: null,
      error: message.slice(0, 1_000),
      retryAfter: undefined,
      refused: refusal !== null,
    };
  }
}
