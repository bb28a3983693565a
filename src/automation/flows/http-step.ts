import { request } from 'undici';
import {
  assertUrlAllowed,
  type EgressPolicy,
  EgressRefusedError,
  egressAgent,
} from '../../integrations/outbound-webhooks/egress.ts';
import { signedHeaders } from '../../integrations/outbound-webhooks/signature.ts';
import { newId } from '../../platform/ids.ts';
import type { HttpStep } from './flow-definition.ts';

/** Longest JSON response an HTTP step reads. */
export const MAX_HTTP_STEP_RESPONSE = 256 * 1024;

export type HttpStepResult =
  | { ok: true; status: number; values: Record<string, unknown> }
  | { ok: false; error: string };

/** A dotted path into a JSON value: `order.status`, `items.0.id`. */
export function pick(value: unknown, path: string): unknown {
  let at: unknown = value;
  for (const part of path.split('.').filter((p) => p.length > 0)) {
    if (at === null || typeof at !== 'object') return undefined;
    at = Array.isArray(at) ? at[Number(part)] : (at as Record<string, unknown>)[part];
  }
  return at;
}

/**
 * Makes a flow's HTTP request: the URL through the egress policy (no private addresses unless
 * `COEXIST_WEBHOOK_EGRESS_ALLOW` allows them), the body signed as Standard Webhooks 1.0 with the
 * flow's secret (`webhook-id`, `webhook-timestamp`, `webhook-signature`: v1 HMAC-SHA256), aborted
 * after the step's timeout. A 2xx JSON response is mapped to values by the step's `map`; anything
 * else (refused, timeout, non-2xx, not JSON) is an error for the step's error branch. Never throws.
 */
export async function runHttpStep(input: {
  step: HttpStep;
  url: string;
  body: unknown;
  secret: string;
  policy: EgressPolicy;
  nowSeconds: number;
}): Promise<HttpStepResult> {
  const { step } = input;
  const bodyText = step.method === 'GET' ? '' : JSON.stringify(input.body ?? {});
  const headers: Record<string, string> = {
    accept: 'application/json',
    'user-agent': 'Coexist-Flows/1',
    ...signedHeaders({
      secrets: [input.secret],
      id: `flow_${newId()}`,
      timestamp: input.nowSeconds,
      body: bodyText,
    }),
  };
  if (step.method !== 'GET') headers['content-type'] = 'application/json';
  try {
    assertUrlAllowed(input.url, input.policy);
    const response = await request(input.url, {
      method: step.method,
      headers,
      ...(step.method === 'GET' ? {} : { body: bodyText }),
      dispatcher: egressAgent(input.policy),
      signal: AbortSignal.timeout(step.timeout_ms),
    });
    let text = '';
    for await (const chunk of response.body) {
      text += (chunk as Buffer).toString('utf8');
      if (text.length > MAX_HTTP_STEP_RESPONSE) {
        response.body.destroy();
        return { ok: false, error: 'response too large' };
      }
    }
    if (response.statusCode < 200 || response.statusCode >= 300) {
      return { ok: false, error: `HTTP ${response.statusCode}` };
    }
    let json: unknown = null;
    if (text.trim().length > 0) {
      try {
        json = JSON.parse(text);
      } catch {
        return { ok: false, error: 'the response is not JSON' };
      }
    }
    const values: Record<string, unknown> = {};
    for (const [key, path] of Object.entries(step.map)) {
      const value = pick(json, path);
      if (value !== undefined) values[key] = value;
    }
    return { ok: true, status: response.statusCode, values };
  } catch (error) {
    if (
      error instanceof EgressRefusedError ||
      (error as { cause?: unknown })?.cause instanceof EgressRefusedError
    ) {
      return { ok: false, error: `refused: ${(error as Error).message}` };
    }
    const name = (error as Error)?.name;
    if (name === 'TimeoutError' || name === 'AbortError')
      return { ok: false, error: `timed out after ${step.timeout_ms} ms` };
    return { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}
