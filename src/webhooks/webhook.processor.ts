import type { AppDeps } from '../app-deps.ts';
import { AppError } from '../platform/errors.ts';
import { recordFailure } from './failure.repository.ts';
import { runItem } from './item.processor.ts';
import { parseWebhookBody, sha256, type WebhookItem } from './meta-payload.parser.ts';

export type ProcessDeps = Pick<AppDeps, 'database' | 'clock' | 'logger' | 'realtime'>;

export type EventOutcome = { applied: number; duplicates: number; failed: number };

async function runOrRecord(
  deps: ProcessDeps,
  item: WebhookItem,
  webhookEventId: number,
): Promise<'applied' | 'duplicate' | 'failed'> {
  const now = deps.clock.now();
  try {
    const outcome = await runItem(deps.database.db, { item, webhookEventId, now });
    if (outcome === 'duplicate') return 'duplicate';
    return outcome === 'applied' ? 'applied' : 'failed';
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.logger.warn({ webhookEventId, path: item.path, err: message }, 'webhook item failed');
    await deps.database.db.transaction().execute((trx) =>
      recordFailure(trx, {
        key: item.dedupKey,
        webhookEventId,
        itemPath: item.path,
        field: item.field,
        code: 'ITEM_PROCESSING_FAILED',
        message,
        item:
          'message' in item
            ? item.message
            : 'status' in item
              ? item.status
              : 'echo' in item
                ? item.echo
                : null,
        phoneNumberId: null,
        at: now,
      }),
    );
    return 'failed';
  }
}

/**
 * Processes one stored webhook event: each item on its own (a failing item is recorded as a
 * processing failure and the others still apply), then marks the event processed or failed.
 */
export async function processWebhookEvent(
  deps: ProcessDeps,
  event: { id: number; body: string },
): Promise<EventOutcome> {
  const outcome: EventOutcome = { applied: 0, duplicates: 0, failed: 0 };
  const parsed = parseWebhookBody(event.body);
  if (!parsed.ok) {
    const now = deps.clock.now();
    await deps.database.db.transaction().execute((trx) =>
      recordFailure(trx, {
        key: `body:${sha256(event.body)}`,
        webhookEventId: event.id,
        itemPath: '$',
        field: null,
        code: parsed.code,
        message: parsed.message,
        item: undefined,
        phoneNumberId: null,
        at: now,
      }),
    );
    outcome.failed = 1;
  } else {
    for (const item of parsed.items) {
      const r = await runOrRecord(deps, item, event.id);
      if (r === 'applied') outcome.applied++;
      else if (r === 'duplicate') outcome.duplicates++;
      else outcome.failed++;
    }
  }
  await deps.database.db
    .updateTable('webhook_events')
    .set({
      state: outcome.failed > 0 ? 'failed' : 'processed',
      processed_at: deps.clock.now(),
      error: outcome.failed > 0 ? `${outcome.failed} item(s) failed` : null,
    })
    .where('id', '=', event.id)
    .execute();
  if (outcome.applied > 0 || outcome.failed > 0) deps.realtime?.notify();
  return outcome;
}

/**
 * Re-runs the item of a processing failure from the stored raw body (`POST /api/failures/:id/retry`).
 * Resolves the failure when the item now applies (or was applied meanwhile); otherwise counts the retry
 * and keeps the latest error. Throws NOT_FOUND or FAILURE_NOT_RETRYABLE (already resolved).
 */
export async function retryFailure(
  deps: ProcessDeps,
  failureId: string,
): Promise<{ resolved: boolean; message: string }> {
  const { db } = deps.database;
  const failure = await db
    .selectFrom('processing_failures')
    .selectAll()
    .where('id', '=', failureId)
    .executeTakeFirst();
  if (!failure) throw new AppError('NOT_FOUND', 'No such processing failure.');
  if (failure.resolved_at !== null) throw new AppError('FAILURE_NOT_RETRYABLE');
  const event = await db
    .selectFrom('webhook_events')
    .select(['id', 'body'])
    .where('id', '=', failure.webhook_event_id)
    .executeTakeFirst();
  let resolved = false;
  let message = failure.message;
  const now = deps.clock.now();
  if (event) {
    const parsed = parseWebhookBody(event.body);
    if (!parsed.ok) {
      message = parsed.message;
    } else {
      const item = parsed.items.find((i) => i.path === failure.item_path);
      if (!item) {
        message = 'The item is no longer found in the stored body.';
      } else if (item.kind === 'unsupported_field' || item.kind === 'invalid') {
        message = failure.message;
      } else {
        try {
          await runItem(db, { item, webhookEventId: event.id, now });
          resolved = true;
        } catch (error) {
          message = error instanceof Error ? error.message : String(error);
        }
      }
    }
  } else {
    message = 'The stored webhook event is gone.';
  }
  await db
    .updateTable('processing_failures')
    .set((eb) => ({
      retry_count: eb('retry_count', '+', 1),
      message: message.slice(0, 2000),
      resolved_at: resolved ? now : null,
    }))
    .where('id', '=', failureId)
    .execute();
  deps.realtime?.notify();
  return { resolved, message: resolved ? 'Applied.' : message };
}
