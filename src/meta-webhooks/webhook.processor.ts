import { type ControlledTransaction, sql } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import type { DB } from '../database.ts';
import { isDatabaseUnavailable } from '../platform/db/database-errors.ts';
import { AppError } from '../platform/errors.ts';
import { recordFailure } from './failure.repository.ts';
import { applyItem, runItem } from './item.processor.ts';
import { parseWebhookBody, sha256, type WebhookItem } from './meta-payload.parser.ts';

export type ProcessDeps = Pick<AppDeps, 'database' | 'clock' | 'logger'> & { readonly signals?: AppDeps['signals'] };

export type EventOutcome = { applied: number; duplicates: number; failed: number };

function itemBody(item: WebhookItem): unknown {
  if ('message' in item) return item.message;
  if ('status' in item) return item.status;
  if ('echo' in item) return item.echo;
  return null;
}

/**
 * Processes one stored webhook event inside `trx`: each item in a savepoint of its own, so a failing
 * item rolls back alone, becomes a processing failure, and the others still apply. Marks the event
 * processed (or failed) in the same transaction, so a crash before the commit simply replays it.
 */
export async function processEventIn(
  trx: ControlledTransaction<DB>,
  deps: ProcessDeps,
  event: { id: number; body: string },
): Promise<EventOutcome> {
  const outcome: EventOutcome = { applied: 0, duplicates: 0, failed: 0 };
  const now = deps.clock.now();
  const parsed = parseWebhookBody(event.body);
  if (!parsed.ok) {
    await recordFailure(trx, {
      key: `body:${sha256(event.body)}`,
      webhookEventId: event.id,
      itemPath: '$',
      field: null,
      code: parsed.code,
      message: parsed.message,
      item: undefined,
      phoneNumberId: null,
      at: now,
    });
    outcome.failed = 1;
  } else {
    if (deps.database.dialect === 'postgres') {
      // Items of one business account are applied one transaction at a time, across every node:
      // an item and the item it completes (a reaction and its message, a status and its send)
      // must see each other, which concurrent READ COMMITTED transactions would not.
      const keys = [...new Set(parsed.items.map((i) => i.wabaId ?? i.phoneNumberId ?? '*'))].sort();
      for (const key of keys) {
        await sql`select pg_advisory_xact_lock(hashtextextended(${`coexist:webhooks:${key}`}, 0))`.execute(
          trx,
        );
      }
    }
    for (const item of parsed.items) {
      const sp = await trx.savepoint('item').execute();
      try {
        const r = await applyItem(sp, { item, webhookEventId: event.id, now });
        await sp.releaseSavepoint('item').execute();
        if (r === 'applied') outcome.applied++;
        else if (r === 'duplicate') outcome.duplicates++;
        else outcome.failed++;
      } catch (error) {
        await sp.rollbackToSavepoint('item').execute();
        // A deadlock or serialization failure with a concurrent transaction is not the item's
        // fault: fail the batch, whose events are then tried again one by one.
        if (isTransientDbError(error)) throw error;
        const message = error instanceof Error ? error.message : String(error);
        deps.logger.warn({ webhookEventId: event.id, path: item.path, err: message }, 'webhook item failed');
        await recordFailure(trx, {
          key: item.dedupKey,
          webhookEventId: event.id,
          itemPath: item.path,
          field: item.field,
          code: 'ITEM_PROCESSING_FAILED',
          message,
          item: itemBody(item),
          phoneNumberId: item.phoneNumberId,
          at: now,
        });
        outcome.failed++;
      }
    }
  }
  await trx
    .updateTable('webhook_events')
    .set({
      state: outcome.failed > 0 ? 'failed' : 'processed',
      processed_at: now,
      error: outcome.failed > 0 ? `${outcome.failed} item(s) failed` : null,
    })
    .where('id', '=', event.id)
    .execute();
  return outcome;
}

/**
 * Processes stored events in one transaction (one commit, one fsync) for as long as `budgetMs`
 * allows, then commits; returns the outcomes of the events it got to, in order. Short batches keep
 * the database free for the endpoint's acknowledgements.
 */
export async function processWebhookEvents(
  deps: ProcessDeps,
  events: readonly { id: number; body: string }[],
  options: { budgetMs?: number } = {},
): Promise<{ done: number; outcomes: EventOutcome[] }> {
  const budget = options.budgetMs ?? Number.POSITIVE_INFINITY;
  const started = performance.now();
  const outcomes: EventOutcome[] = [];
  const trx = await deps.database.db.startTransaction().execute();
  try {
    for (const event of events) {
      outcomes.push(await processEventIn(trx, deps, event));
      if (performance.now() - started >= budget) break;
    }
    await trx.commit().execute();
  } catch (error) {
    await trx.rollback().execute();
    throw error;
  }
  if (outcomes.some((o) => o.applied > 0 || o.failed > 0)) deps.signals?.emit('events');
  return { done: outcomes.length, outcomes };
}

/**
 * Processes events one by one, each in its own transaction: the fallback when a batch's transaction
 * fails as a whole. An event that fails even alone is marked failed with a visible failure, so it
 * neither holds up the others nor comes back forever. Returns how many ended that way.
 */
export async function processEventsAlone(
  deps: ProcessDeps,
  events: readonly { id: number; body: string }[],
): Promise<number> {
  let broken = 0;
  for (const event of events) {
    // A few tries first: what broke the batch may have been passing (a deadlock with another node).
    let lastError: unknown = null;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await processWebhookEvent(deps, event);
        lastError = null;
        break;
      } catch (error) {
        lastError = error;
        await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
      }
    }
    // The database away or stalled is not the event's fault: it stays pending for a later pass.
    if (lastError !== null && isDatabaseUnavailable(lastError)) throw lastError;
    if (lastError !== null) {
      const error = lastError;
      broken++;
      const message = error instanceof Error ? error.message : String(error);
      deps.logger.error({ webhookEventId: event.id, err: message }, 'webhook event cannot be processed');
      const now = deps.clock.now();
      await deps.database.db.transaction().execute(async (trx) => {
        await recordFailure(trx, {
          key: `event:${event.id}`,
          webhookEventId: event.id,
          itemPath: '$',
          field: null,
          code: 'EVENT_PROCESSING_FAILED',
          message: `The event could not be processed: ${message}`,
          item: undefined,
          phoneNumberId: null,
          at: now,
        });
        await trx
          .updateTable('webhook_events')
          .set({ state: 'failed', processed_at: now, error: message.slice(0, 2000) })
          .where('id', '=', event.id)
          .execute();
      });
      deps.signals?.emit('events');
    }
  }
  return broken;
}

/** Processes one stored webhook event (in its own transaction). */
export async function processWebhookEvent(
  deps: ProcessDeps,
  event: { id: number; body: string },
): Promise<EventOutcome> {
  const { outcomes } = await processWebhookEvents(deps, [event]);
  return outcomes[0] as EventOutcome;
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
  if (event && failure.code === 'EVENT_PROCESSING_FAILED') {
    // The whole event failed: run it again as the worker would.
    try {
      await processWebhookEvent(deps, event);
      resolved = true;
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
  } else if (event) {
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
  deps.signals?.emit('events');
  return { resolved, message: resolved ? 'Applied.' : message };
}

/** PostgreSQL's deadlock (40P01) and serialization failure (40001): retrying can succeed. */
function isTransientDbError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}
