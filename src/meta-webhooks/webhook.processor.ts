import { type ControlledTransaction, type Kysely, sql } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import type { DB } from '../database.ts';
import { createIngestContext, flushIngest } from '../messages/ingest-context.ts';
import { isDatabaseUnavailable } from '../platform/db/database-errors.ts';
import { AppError } from '../platform/errors.ts';
import { recordFailure } from './failure.repository.ts';
import {
  applyBatchable,
  applyItem,
  dispatchItem,
  type EventItem,
  isBatchable,
  runItem,
  takeDedupKeys,
} from './item.processor.ts';
import { WabaMismatchError } from './item-context.ts';
import { type ParseResult, parseWebhookBody, sha256, type WebhookItem } from './parse/body.parser.ts';
import { isRetryableDbError, withDbRetry } from './retry.ts';

export type ProcessDeps = Pick<AppDeps, 'database' | 'clock' | 'logger'> & {
  readonly signals?: AppDeps['signals'];
};

export type EventOutcome = { applied: number; duplicates: number; failed: number };

type StoredEvent = { readonly id: number; readonly body: string };
type ParsedEvent = { readonly event: StoredEvent; readonly parsed: ParseResult };

/**
 * Items of one business account are applied one transaction at a time, across every node: an item
 * and the item it completes (a reaction and its message, a status and its send) must see each
 * other, which concurrent READ COMMITTED transactions would not. A transaction takes the locks of
 * every account in it at its start, in one global (sorted) order, so two transactions can never
 * wait for each other's locks.
 */
async function lockAccounts(trx: Kysely<DB>, events: readonly ParsedEvent[]): Promise<void> {
  const keys = new Set<string>();
  for (const { parsed } of events) {
    if (!parsed.ok) continue;
    for (const i of parsed.items) keys.add(i.wabaId ?? i.phoneNumberId ?? '*');
  }
  for (const key of [...keys].sort()) {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`coexist:webhooks:${key}`}, 0))`.execute(trx);
  }
}

function itemBody(item: WebhookItem): unknown {
  return item.raw ?? null;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function recordBodyFailure(
  trx: Kysely<DB>,
  event: StoredEvent,
  parsed: Extract<ParseResult, { ok: false }>,
  now: number,
): Promise<void> {
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
}

async function recordItemFailure(
  trx: Kysely<DB>,
  deps: ProcessDeps,
  entry: EventItem,
  error: unknown,
  now: number,
): Promise<void> {
  const { item, webhookEventId } = entry;
  const message = errorText(error);
  deps.logger.warn({ webhookEventId, path: item.path, err: message }, 'webhook item failed');
  await recordFailure(trx, {
    key: item.dedupKey,
    webhookEventId,
    itemPath: item.path,
    field: item.field,
    code: error instanceof WabaMismatchError ? 'WABA_MISMATCH' : 'ITEM_PROCESSING_FAILED',
    message,
    item: itemBody(item),
    phoneNumberId: item.phoneNumberId,
    at: now,
  });
}

async function markEvents(trx: Kysely<DB>, outcomes: Map<number, EventOutcome>, now: number): Promise<void> {
  const processed = [...outcomes].filter(([, o]) => o.failed === 0).map(([id]) => id);
  for (let i = 0; i < processed.length; i += 500) {
    await trx
      .updateTable('webhook_events')
      .set({ state: 'processed', processed_at: now, error: null })
      .where('id', 'in', processed.slice(i, i + 500))
      .execute();
  }
  for (const [id, o] of outcomes) {
    if (o.failed === 0) continue;
    await trx
      .updateTable('webhook_events')
      .set({ state: 'failed', processed_at: now, error: `${o.failed} item(s) failed` })
      .where('id', '=', id)
      .execute();
  }
}

/**
 * Applies a batch of events optimistically: all dedup keys in a few statements, the batchable
 * items of every event together (see `applyBatchable`), then the other items one by one, each in
 * a savepoint so a failing one rolls back alone and becomes a visible failure. Throws if a
 * batchable item fails (the caller then goes item by item).
 */
async function applyTogether(
  trx: ControlledTransaction<DB>,
  deps: ProcessDeps,
  events: readonly ParsedEvent[],
  now: number,
): Promise<Map<number, EventOutcome>> {
  const dialect = deps.database.dialect;
  const outcomes = new Map<number, EventOutcome>();
  const entries: EventItem[] = [];
  for (const { event, parsed } of events) {
    const outcome = { applied: 0, duplicates: 0, failed: 0 };
    outcomes.set(event.id, outcome);
    if (!parsed.ok) {
      await recordBodyFailure(trx, event, parsed, now);
      outcome.failed = 1;
      continue;
    }
    for (const item of parsed.items) entries.push({ item, webhookEventId: event.id });
  }
  const fresh = await takeDedupKeys(trx, entries, now);
  const together = entries.filter((e) => fresh.has(e) && isBatchable(e.item));
  const ctx = createIngestContext({ trx, dialect, now });
  await applyBatchable(ctx, together);
  await flushIngest(ctx);
  for (const entry of entries) {
    const outcome = outcomes.get(entry.webhookEventId) as EventOutcome;
    if (!fresh.has(entry)) {
      outcome.duplicates++;
      continue;
    }
    if (isBatchable(entry.item)) {
      outcome.applied++;
      continue;
    }
    const sp = await trx.savepoint('item').execute();
    try {
      const r = await dispatchItem({ trx: sp, dialect, now }, entry);
      await sp.releaseSavepoint('item').execute();
      if (r === 'applied') outcome.applied++;
      else outcome.failed++;
    } catch (error) {
      await sp.rollbackToSavepoint('item').execute();
      if (isRetryableDbError(error)) throw error;
      // The item did not apply: its key goes too, so a redelivery or a retry applies it.
      await trx.deleteFrom('webhook_items').where('dedup_key', '=', entry.item.dedupKey).execute();
      await recordItemFailure(trx, deps, entry, error, now);
      outcome.failed++;
    }
  }
  await markEvents(trx, outcomes, now);
  return outcomes;
}

/**
 * Processes one stored webhook event inside `trx` item by item: each item in a savepoint of its
 * own, so a failing item rolls back alone, becomes a processing failure, and the others still
 * apply. The fallback of {@link applyTogether}.
 */
async function applyOneByOne(
  trx: ControlledTransaction<DB>,
  deps: ProcessDeps,
  { event, parsed }: ParsedEvent,
  now: number,
): Promise<EventOutcome> {
  const outcome: EventOutcome = { applied: 0, duplicates: 0, failed: 0 };
  if (!parsed.ok) {
    await recordBodyFailure(trx, event, parsed, now);
    outcome.failed = 1;
  } else {
    for (const item of parsed.items) {
      const sp = await trx.savepoint('item').execute();
      try {
        const r = await applyItem(sp, {
          item,
          webhookEventId: event.id,
          now,
          dialect: deps.database.dialect,
        });
        await sp.releaseSavepoint('item').execute();
        if (r === 'applied') outcome.applied++;
        else if (r === 'duplicate') outcome.duplicates++;
        else outcome.failed++;
      } catch (error) {
        await sp.rollbackToSavepoint('item').execute();
        // A deadlock, a serialization failure or the database going away is not the item's fault:
        // the whole transaction is tried again.
        if (isRetryableDbError(error)) throw error;
        await recordItemFailure(trx, deps, { item, webhookEventId: event.id }, error, now);
        outcome.failed++;
      }
    }
  }
  await markEvents(trx, new Map([[event.id, outcome]]), now);
  return outcome;
}

/**
 * Processes stored events in one transaction (one commit, one fsync), in order: optimistically all
 * together with few round trips, and, if that fails, item by item in the same transaction (so one
 * bad item still only fails itself). Marks each event processed (or failed) in the same
 * transaction, so a crash before the commit simply replays it. Throws on a deadlock, a
 * serialization failure or a database outage (the caller tries again).
 */
export async function processWebhookEvents(
  deps: ProcessDeps,
  events: readonly StoredEvent[],
): Promise<{ done: number; outcomes: EventOutcome[] }> {
  const parsed = events.map((event) => ({ event, parsed: parseWebhookBody(event.body) }));
  const now = deps.clock.now();
  const trx = await deps.database.db.startTransaction().execute();
  let outcomes: EventOutcome[];
  try {
    if (deps.database.dialect === 'postgres') await lockAccounts(trx, parsed);
    const sp = await trx.savepoint('batch').execute();
    try {
      const byId = await applyTogether(sp, deps, parsed, now);
      await sp.releaseSavepoint('batch').execute();
      outcomes = events.map((e) => byId.get(e.id) as EventOutcome);
    } catch (error) {
      if (isRetryableDbError(error)) throw error;
      await sp.rollbackToSavepoint('batch').execute();
      deps.logger.warn(
        { err: errorText(error), events: events.length },
        'webhook batch failed; applying item by item',
      );
      outcomes = [];
      for (const p of parsed) outcomes.push(await applyOneByOne(trx, deps, p, now));
    }
    await trx.commit().execute();
  } catch (error) {
    await trx
      .rollback()
      .execute()
      .catch(() => {});
    throw error;
  }
  if (outcomes.some((o) => o.applied > 0 || o.failed > 0)) deps.signals?.emit('events');
  return { done: outcomes.length, outcomes };
}

/** Processes one stored webhook event (in its own transaction). */
export async function processWebhookEvent(deps: ProcessDeps, event: StoredEvent): Promise<EventOutcome> {
  const { outcomes } = await processWebhookEvents(deps, [event]);
  return outcomes[0] as EventOutcome;
}

/** Events that failed only by contention are left pending this many times before they show as failed. */
const MAX_EVENT_ATTEMPTS = 5;

/**
 * Processes events one by one, each in its own transaction: the fallback when a batch's transaction
 * fails as a whole. Deadlocks and serialization failures are retried with backoff and jitter; an
 * event still failing by contention is left pending (claimable again after a pause) until it has
 * been tried {@link MAX_EVENT_ATTEMPTS} times. An event that fails for another reason is marked
 * failed with a visible failure, so it neither holds up the others nor comes back forever. Returns
 * how many ended failed. Throws when the database is away (nothing is given up on then).
 */
export async function processEventsAlone(
  deps: ProcessDeps,
  events: readonly (StoredEvent & { readonly attempts?: number })[],
): Promise<number> {
  let broken = 0;
  for (const event of events) {
    let lastError: unknown = null;
    try {
      await withDbRetry(() => processWebhookEvent(deps, event), { attempts: 8 });
    } catch (error) {
      lastError = error;
    }
    if (lastError === null) continue;
    if (isDatabaseUnavailable(lastError)) throw lastError;
    const message = errorText(lastError);
    const now = deps.clock.now();
    if (isRetryableDbError(lastError) && (event.attempts ?? MAX_EVENT_ATTEMPTS) < MAX_EVENT_ATTEMPTS) {
      deps.logger.warn(
        { webhookEventId: event.id, err: message },
        'webhook event contended; tried again later',
      );
      // Released: claimable again by the next pass of any node, which counts another attempt.
      await deps.database.db
        .updateTable('webhook_events')
        .set({ claimed_by: null, claimed_at: null })
        .where('id', '=', event.id)
        .where('state', '=', 'pending')
        .execute();
      continue;
    }
    broken++;
    deps.logger.error({ webhookEventId: event.id, err: message }, 'webhook event cannot be processed');
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
  return broken;
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
          await runItem(db, { item, webhookEventId: event.id, now, dialect: deps.database.dialect });
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
