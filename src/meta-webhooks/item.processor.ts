import type { Kysely } from 'kysely';
import { processStateSync } from '../contacts/state-sync.processor.ts';
import { processUserPreference } from '../contacts/user-preferences.processor.ts';
import type { DB } from '../database.ts';
import { processEcho } from '../messages/echo.processor.ts';
import {
  processHistoryChunk,
  processHistoryErrors,
  processHistoryMedia,
  processHistoryMessage,
} from '../messages/history.processor.ts';
import { processInboundMessage } from '../messages/inbound-message.processor.ts';
import { processStatus } from '../messages/status.processor.ts';
import { processAccountUpdate, processValueErrors } from '../numbers/account-update.processor.ts';
import { processTemplateStatus } from '../templates/template-status.processor.ts';
import { recordFailure } from './failure.repository.ts';
import type { ItemContext } from './item-context.ts';
import type { WebhookItem } from './meta-payload.parser.ts';

export type ItemOutcome = 'applied' | 'duplicate' | 'unsupported' | 'invalid';

async function dispatch(ctx: ItemContext, item: WebhookItem): Promise<ItemOutcome> {
  switch (item.kind) {
    case 'message':
      await processInboundMessage(ctx, item);
      return 'applied';
    case 'status':
      await processStatus(ctx, item);
      return 'applied';
    case 'echo':
      await processEcho(ctx, item);
      return 'applied';
    case 'history_message':
      await processHistoryMessage(ctx, item);
      return 'applied';
    case 'history_chunk':
      await processHistoryChunk(ctx, item);
      return 'applied';
    case 'history_errors':
      await processHistoryErrors(ctx, item);
      return 'applied';
    case 'history_media':
      await processHistoryMedia(ctx, item);
      return 'applied';
    case 'state_sync':
      await processStateSync(ctx, item);
      return 'applied';
    case 'user_preference':
      await processUserPreference(ctx, item);
      return 'applied';
    case 'value_errors':
      await processValueErrors(ctx, item);
      return 'applied';
    case 'account_update':
      await processAccountUpdate(ctx, item);
      return 'applied';
    case 'template_status':
      await processTemplateStatus(ctx, item);
      return 'applied';
    case 'unsupported_field':
      await recordFailure(ctx.trx, {
        key: item.dedupKey,
        webhookEventId: ctx.webhookEventId,
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
        webhookEventId: ctx.webhookEventId,
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

/**
 * Applies one item inside `trx`: the dedup key is inserted (insert-or-ignore) together with the item's
 * changes, so a redelivered item is a no-op. Callers isolate items (own transaction or savepoint).
 */
export async function applyItem(
  trx: Kysely<DB>,
  input: { item: WebhookItem; webhookEventId: number; now: number },
): Promise<ItemOutcome> {
  const fresh = await trx
    .insertInto('webhook_items')
    .values({ dedup_key: input.item.dedupKey, webhook_event_id: input.webhookEventId, applied_at: input.now })
    .onConflict((oc) => oc.doNothing())
    .returning('dedup_key')
    .executeTakeFirst();
  if (!fresh) return 'duplicate';
  return dispatch({ trx, now: input.now, webhookEventId: input.webhookEventId }, input.item);
}

/** {@link applyItem} in a transaction of its own. */
export async function runItem(
  db: Kysely<DB>,
  input: { item: WebhookItem; webhookEventId: number; now: number },
): Promise<ItemOutcome> {
  return db.transaction().execute((trx) => applyItem(trx, input));
}
