import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { AppDeps } from '../../app-deps.ts';
import type { DB } from '../../database.ts';
import { enqueueJob } from '../../platform/jobs/job.repository.ts';
import { defineJob, type JobContext } from '../../platform/jobs/job.ts';
import { disableEndpoint } from './endpoint.repository.ts';
import type { WebhookDeliveryRow, WebhookEndpointRow } from './outbound-webhook.table.ts';
import { DISABLE_AFTER_MS, nextAttemptAt, parseRetryAfter } from './retry-schedule.ts';
import { type SecretStore, secretStoreFor } from './secret-store.ts';
import { type AttemptResult, sendAttempt } from './send-attempt.ts';
import { signedHeaders } from './signature.ts';

const ZDeliveryJob = z.object({
  delivery_id: z.string().min(1),
  /** The delivery's generation (bumped by each resend): a job of an older one is stale. */
  generation: z.number().int().min(0),
  /** Which attempt of the generation this job makes, from 1. */
  attempt: z.number().int().min(1),
});
type DeliveryJobPayload = z.infer<typeof ZDeliveryJob>;

/** The attempt's secrets, opened: the current one, and the previous one while a rotation overlaps. */
async function secretsOf(
  db: Kysely<DB>,
  input: { endpoint: WebhookEndpointRow; store: SecretStore; now: number },
): Promise<{ secrets: string[]; signingKeys: string[] }> {
  const { endpoint, store } = input;
  const overlapping = (endpoint.previous_secret_expires_at ?? 0) > input.now;
  const stored =
    endpoint.previous_secret !== null && overlapping
      ? [endpoint.secret, endpoint.previous_secret]
      : [endpoint.secret];
  const keys = [
    endpoint.signing_key,
    ...(overlapping && endpoint.signing_key !== null ? [endpoint.previous_signing_key] : []),
  ].filter((k): k is string => k !== null);
  const open = (value: string) => store.open(db, { endpointId: endpoint.id, stored: value });
  return { secrets: await Promise.all(stored.map(open)), signingKeys: await Promise.all(keys.map(open)) };
}

/**
 * Enqueues one attempt of a delivery as a job, keyed by delivery, generation and attempt, so the
 * same attempt is never enqueued twice (a redelivered event, a repeated resend request).
 */
export async function enqueueAttempt(
  trx: Kysely<DB> | Transaction<DB>,
  input: DeliveryJobPayload & { runAt: number; now: number },
): Promise<boolean> {
  const { runAt, now, ...payload } = input;
  const id = await enqueueJob(trx, deliveryJob, payload, {
    now,
    runAt,
    key: `webhooks-out:${payload.delivery_id}:${payload.generation}:${payload.attempt}`,
  });
  return id !== null;
}

type Outcome =
  | { kind: 'succeeded' }
  | { kind: 'gone' }
  | { kind: 'retry'; at: number }
  | { kind: 'exhausted' }
  | { kind: 'disabled'; reason: string };

function outcomeOf(input: {
  result: AttemptResult;
  delivery: WebhookDeliveryRow;
  endpoint: WebhookEndpointRow;
  now: number;
  random?: () => number;
}): Outcome {
  const { result, now } = input;
  if (result.status !== null && result.status >= 200 && result.status < 300) return { kind: 'succeeded' };
  if (result.status === 410) return { kind: 'gone' };
  const failingSince = input.endpoint.failing_since ?? now;
  if (now - failingSince >= DISABLE_AFTER_MS) return { kind: 'disabled', reason: 'it failed for 5 days' };
  const at = nextAttemptAt({
    attemptsMade: input.delivery.attempts + 1,
    now,
    retryAfterMs: parseRetryAfter(result.retryAfter, now),
    ...(input.random ? { random: input.random } : {}),
  });
  return at === null ? { kind: 'exhausted' } : { kind: 'retry', at };
}

/**
 * Makes one attempt of a delivery and records it with its outcome: success; 410 Gone disables the
 * endpoint; another failure schedules the next attempt (the retry schedule with jitter, after any
 * `Retry-After`) until the attempts run out, and an endpoint failing for 5 days is disabled with an
 * alert. The attempt's request (headers and body) and response (bounded) go to the delivery log.
 */
export async function runDeliveryAttempt(
  deps: Pick<AppDeps, 'database' | 'clock' | 'config' | 'signals'>,
  payload: DeliveryJobPayload,
  options: { signal?: AbortSignal; random?: () => number } = {},
): Promise<void> {
  const { db } = deps.database;
  const delivery = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('id', '=', payload.delivery_id)
    .executeTakeFirst();
  // A stale job: the delivery ended, was resent (a new generation), or this attempt already ran.
  if (delivery?.state !== 'pending' || delivery.generation !== payload.generation) return;
  if (delivery.attempts + 1 !== payload.attempt) return;
  const endpoint = await db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('id', '=', delivery.endpoint_id)
    .executeTakeFirst();
  if (!endpoint) return;
  const started = deps.clock.now();
  if (endpoint.enabled !== 1) {
    await db
      .updateTable('webhook_deliveries')
      .set({
        state: 'failed',
        last_error: 'the endpoint is disabled',
        next_attempt_at: null,
        updated_at: started,
        finished_at: started,
      })
      .where('id', '=', delivery.id)
      .execute();
    return;
  }
  const base = { 'content-type': 'application/json', 'user-agent': 'Coexist-Webhooks/1.0' };
  const secrets = await secretsOf(db, {
    endpoint,
    store: secretStoreFor(deps.config.masterKeys),
    now: started,
  }).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  // A secret that cannot be decrypted (its master key gone from the configuration) is an attempt
  // that failed before sending: logged and retried on the schedule like any other, never unsigned.
  const headers: Record<string, string> =
    secrets instanceof Error
      ? base
      : {
          ...base,
          ...signedHeaders({
            ...secrets,
            id: delivery.message_id,
            timestamp: Math.floor(started / 1000),
            body: delivery.body,
          }),
        };
  const result: AttemptResult =
    secrets instanceof Error
      ? {
          status: null,
          headers: null,
          body: null,
          error: `not sent: ${secrets.message}`,
          retryAfter: undefined,
          refused: false,
        }
      : await sendAttempt({
          url: endpoint.url,
          headers,
          body: delivery.body,
          policy: { allow: deps.config.webhookEgressAllow },
          ...(options.signal ? { signal: options.signal } : {}),
        });
  const now = deps.clock.now();
  const outcome = outcomeOf({
    result,
    delivery,
    endpoint,
    now,
    ...(options.random ? { random: options.random } : {}),
  });
  const attempt = delivery.attempts + 1;
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('webhook_attempts')
      .values({
        delivery_id: delivery.id,
        attempt,
        at: started,
        request_headers_json: JSON.stringify(headers),
        response_status: result.status,
        response_headers_json: result.headers ? JSON.stringify(result.headers) : null,
        response_body: result.body,
        error: result.error,
        duration_ms: Math.max(0, now - started),
      })
      .execute();
    const lastError =
      result.error ?? (outcome.kind === 'succeeded' ? null : `HTTP ${result.status ?? 'no response'}`);
    const final = outcome.kind !== 'retry';
    await trx
      .updateTable('webhook_deliveries')
      .set({
        state: outcome.kind === 'succeeded' ? 'succeeded' : final ? 'failed' : 'pending',
        attempts: attempt,
        last_status: result.status,
        last_error: lastError,
        next_attempt_at: outcome.kind === 'retry' ? outcome.at : null,
        updated_at: now,
        finished_at: final ? now : null,
      })
      .where('id', '=', delivery.id)
      .execute();
    if (outcome.kind === 'succeeded') {
      await trx
        .updateTable('webhook_endpoints')
        .set({ failing_since: null })
        .where('id', '=', endpoint.id)
        .execute();
      return;
    }
    if (endpoint.failing_since === null)
      await trx
        .updateTable('webhook_endpoints')
        .set({ failing_since: now })
        .where('id', '=', endpoint.id)
        .execute();
    if (outcome.kind === 'gone')
      await disableEndpoint(trx, { endpoint, reason: 'the receiver answered 410 Gone', now });
    if (outcome.kind === 'disabled') await disableEndpoint(trx, { endpoint, reason: outcome.reason, now });
    if (outcome.kind === 'retry')
      await enqueueAttempt(trx, { ...payload, attempt: attempt + 1, runAt: outcome.at, now });
  });
  if (outcome.kind === 'retry') deps.signals.emit('jobs');
}

/** One attempt of an outbound webhook delivery (see {@link runDeliveryAttempt}); retries are new jobs. */
export const deliveryJob = defineJob({
  id: 'webhooks-out.deliver',
  schema: ZDeliveryJob,
  // The schedule is the delivery's own; a job retries only when the database failed under it.
  retry: { attempts: 3, backoffMs: 5_000 },
  async handler(payload, { deps, signal }: JobContext<AppDeps>) {
    await runDeliveryAttempt(deps, payload, { signal });
  },
});
