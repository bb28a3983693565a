import type { Kysely } from 'kysely';
import { processStateSync } from '../contacts/state-sync.processor.ts';
import { processUserPreference } from '../contacts/user-preferences.processor.ts';
import type { DB } from '../database.ts';
import { processEchoes } from '../messages/echo.processor.ts';
import {
  processHistoryChunk,
  processHistoryErrors,
  processHistoryMedia,
  processHistoryMessages,
} from '../messages/history.processor.ts';
import type {
  EchoMessage,
  HistoryMessage,
  InboundMessage,
  StatusUpdate,
} from '../messages/inbound-events.ts';
import { changesContact, processInboundMessages } from '../messages/inbound-message.processor.ts';
import {
  type Applied,
  createIngestContext,
  flushIngest,
  type IngestContext,
} from '../messages/ingest-context.ts';
import { processStatuses } from '../messages/status.processor.ts';
import { processAccountUpdate, processValueErrors } from '../numbers/account-update.processor.ts';
import type { PhoneNumberRow } from '../numbers/number.table.ts';
import type { Dialect } from '../platform/db/database.ts';
import { processTemplateCategory, processTemplateQuality } from '../templates/template-rating.processor.ts';
import { processTemplateStatus } from '../templates/template-status.processor.ts';
import { recordFailure } from './failure.repository.ts';
import { numberForItem, numbersForItems } from './item-context.ts';
import type { WebhookItem } from './parse/body.parser.ts';

export type ItemOutcome = 'applied' | 'duplicate' | 'unsupported' | 'invalid';

/** An item with the stored webhook event it came from. */
export type EventItem = { readonly item: WebhookItem; readonly webhookEventId: number };

/** Where and when items are applied. */
export type ApplyOptions = { readonly trx: Kysely<DB>; readonly dialect: Dialect; readonly now: number };

const KEY_CHUNK = 500;

function applied<E>(
  item: WebhookItem & { event: E },
  number: PhoneNumberRow,
  webhookEventId: number,
): Applied<E> {
  return { event: item.event, number, displayPhoneNumber: item.displayPhoneNumber, webhookEventId };
}

/**
 * Whether an item is applied together with the others of its batch (messages, echoes, history
 * messages, statuses: the bulk of the traffic). Everything else, and a message that changes who its
 * contact is, applies alone after them.
 */
export function isBatchable(item: WebhookItem): boolean {
  if (item.kind === 'message') return !changesContact(item.event);
  return item.kind === 'echo' || item.kind === 'history_message' || item.kind === 'status';
}

/**
 * Applies batchable items (see {@link isBatchable}) together: numbers looked up once, then each
 * kind with a few statements for all its items. Throws if any item cannot apply; the caller then
 * applies them one by one to isolate it. The caller flushes `ctx`.
 */
export async function applyBatchable(ctx: IngestContext, entries: readonly EventItem[]): Promise<void> {
  if (entries.length === 0) return;
  const numbers = await numbersForItems(
    ctx.trx,
    entries.map((e) => e.item),
    ctx.now,
  );
  const inbound: Applied<InboundMessage>[] = [];
  const echoes: Applied<EchoMessage>[] = [];
  const history: Applied<HistoryMessage>[] = [];
  const statuses: Applied<StatusUpdate>[] = [];
  for (const { item, webhookEventId } of entries) {
    const number = item.phoneNumberId !== null ? numbers.get(item.phoneNumberId) : undefined;
    if (!number) throw new Error('item has no metadata.phone_number_id');
    if (item.kind === 'message') inbound.push(applied(item, number, webhookEventId));
    else if (item.kind === 'echo') echoes.push(applied(item, number, webhookEventId));
    else if (item.kind === 'history_message') history.push(applied(item, number, webhookEventId));
    else if (item.kind === 'status') statuses.push(applied(item, number, webhookEventId));
    else throw new Error(`${item.kind} items are not applied in batches`);
  }
  await processInboundMessages(ctx, inbound);
  await processEchoes(ctx, echoes);
  await processHistoryMessages(ctx, history);
  await processStatuses(ctx, statuses);
}

async function dispatch(ctx: IngestContext, entry: EventItem): Promise<ItemOutcome> {
  const { item, webhookEventId } = entry;
  const envelope = { wabaId: item.wabaId, entryTime: item.entryTime };
  const number = () => numberForItem(ctx.trx, item, ctx.now);
  switch (item.kind) {
    case 'message':
    case 'echo':
    case 'history_message':
    case 'status':
      await applyBatchable(ctx, [entry]);
      return 'applied';
    case 'history_chunk':
      await processHistoryChunk(ctx, applied(item, await number(), webhookEventId));
      return 'applied';
    case 'history_errors':
      await processHistoryErrors(ctx, applied(item, await number(), webhookEventId));
      return 'applied';
    case 'history_media':
      await processHistoryMedia(ctx, applied(item, await number(), webhookEventId));
      return 'applied';
    case 'state_sync':
      await processStateSync(ctx, applied(item, await number(), webhookEventId));
      return 'applied';
    case 'user_preference':
      await processUserPreference(ctx, applied(item, await number(), webhookEventId));
      return 'applied';
    case 'value_errors':
      await processValueErrors(ctx, {
        event: item.event,
        number: item.phoneNumberId !== null ? await number() : null,
        envelope,
      });
      return 'applied';
    case 'account_update':
      await processAccountUpdate(ctx, { event: item.event, envelope });
      return 'applied';
    case 'template_status':
      await processTemplateStatus(ctx, { event: item.event, envelope });
      return 'applied';
    case 'template_quality':
      await processTemplateQuality(ctx, { event: item.event, envelope });
      return 'applied';
    case 'template_category':
      await processTemplateCategory(ctx, { event: item.event, envelope });
      return 'applied';
    case 'unsupported_field':
      await recordFailure(ctx.trx, {
        key: item.dedupKey,
        webhookEventId,
        itemPath: item.path,
        field: item.field,
        code: 'UNSUPPORTED_FIELD',
        message: `Webhook field "${item.field}" is not supported; the update is stored as received.`,
        item: item.value,
        phoneNumberId: null,
        at: ctx.now,
      });
      return 'unsupported';
    case 'invalid':
      await recordFailure(ctx.trx, {
        key: item.dedupKey,
        webhookEventId,
        itemPath: item.path,
        field: item.field,
        code: 'WEBHOOK_SHAPE_INVALID',
        message: item.reason,
        item: item.value,
        phoneNumberId: null,
        at: ctx.now,
      });
      return 'invalid';
  }
}

/** Applies one item whose dedup key the caller has taken, with everything it changes written at once. */
export async function dispatchItem(options: ApplyOptions, entry: EventItem): Promise<ItemOutcome> {
  const ctx = createIngestContext(options);
  const outcome = await dispatch(ctx, entry);
  await flushIngest(ctx);
  return outcome;
}

/**
 * Takes the dedup keys of many items with multi-row inserts (insert-or-ignore). Returns the items
 * that are new: the first one of each key not applied before. The keys commit with the items'
 * changes, so a redelivered item is a no-op.
 */
export async function takeDedupKeys(
  trx: Kysely<DB>,
  entries: readonly EventItem[],
  now: number,
): Promise<Set<EventItem>> {
  const first = new Map<string, EventItem>();
  for (const e of entries) if (!first.has(e.item.dedupKey)) first.set(e.item.dedupKey, e);
  const candidates = [...first.values()];
  const fresh = new Set<EventItem>();
  for (let i = 0; i < candidates.length; i += KEY_CHUNK) {
    const slice = candidates.slice(i, i + KEY_CHUNK);
    const rows = await trx
      .insertInto('webhook_items')
      .values(
        slice.map((e) => ({
          dedup_key: e.item.dedupKey,
          webhook_event_id: e.webhookEventId,
          applied_at: now,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .returning('dedup_key')
      .execute();
    const taken = new Set(rows.map((r) => r.dedup_key));
    for (const e of slice) if (taken.has(e.item.dedupKey)) fresh.add(e);
  }
  return fresh;
}

/**
 * Applies one item inside `trx`: the dedup key is inserted (insert-or-ignore) together with the item's
 * changes, so a redelivered item is a no-op. Callers isolate items (own transaction or savepoint).
 */
export async function applyItem(
  trx: Kysely<DB>,
  input: { item: WebhookItem; webhookEventId: number; now: number; dialect: Dialect },
): Promise<ItemOutcome> {
  const entry = { item: input.item, webhookEventId: input.webhookEventId };
  const fresh = await takeDedupKeys(trx, [entry], input.now);
  if (fresh.size === 0) return 'duplicate';
  return dispatchItem({ trx, dialect: input.dialect, now: input.now }, entry);
}

/** {@link applyItem} in a transaction of its own. */
export async function runItem(
  db: Kysely<DB>,
  input: { item: WebhookItem; webhookEventId: number; now: number; dialect: Dialect },
): Promise<ItemOutcome> {
  return db.transaction().execute((trx) => applyItem(trx, input));
}
