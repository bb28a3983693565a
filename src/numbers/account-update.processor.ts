import type { ItemContext } from '../meta-webhooks/item-context.ts';
import { numberForItem } from '../meta-webhooks/item-context.ts';
import { isObject, str, type WebhookItem } from '../meta-webhooks/meta-payload.parser.ts';
import { applyLifecycle, connectionByEvent, ensureWaba, numberChanged } from './number.repository.ts';

type Item<K extends WebhookItem['kind']> = Extract<WebhookItem, { kind: K }>;

/**
 * `account_update`: every event is recorded in `account_events`; the coexistence lifecycle events
 * move the connection state of the WABA's numbers (or the one `phone_number` named), unless they are
 * older (`entry[].time`) than the last lifecycle event applied.
 */
export async function processAccountUpdate(ctx: ItemContext, item: Item<'account_update'>): Promise<void> {
  const { trx, now } = ctx;
  const v = item.value;
  const event = str(v.event) ?? 'UNKNOWN';
  const wabaInfo = isObject(v.waba_info) ? v.waba_info : {};
  const wabaId = item.wabaId ?? str(wabaInfo.waba_id) ?? 'unknown';
  const display = str(v.phone_number)?.replace(/\D+/g, '') ?? null;
  let query = trx.selectFrom('phone_numbers').selectAll().where('waba_id', '=', wabaId);
  if (display) query = query.where('display_phone_number', '=', display);
  const numbers = await query.execute();
  await trx
    .insertInto('account_events')
    .values({
      waba_id: wabaId,
      phone_number_id: numbers.length === 1 ? (numbers[0]?.id ?? null) : null,
      event,
      data_json: JSON.stringify(v),
      meta_time: item.entryTime,
      received_at: now,
    })
    .execute();
  await ensureWaba(trx, { wabaId, at: now });
  const state = connectionByEvent[event];
  if (!state) return;
  const time = item.entryTime ?? now;
  const waba = await trx
    .selectFrom('wabas')
    .select('last_lifecycle_at')
    .where('id', '=', wabaId)
    .executeTakeFirstOrThrow();
  if (waba.last_lifecycle_at === null || time >= waba.last_lifecycle_at) {
    await trx
      .updateTable('wabas')
      .set({ last_lifecycle_at: time, updated_at: now })
      .where('id', '=', wabaId)
      .execute();
  }
  for (const n of numbers) await applyLifecycle(trx, { number: n, event, value: v, time, at: now });
}

/** Value-level `errors[]` of a `messages` change: recorded against the WABA (and number) as an account event. */
export async function processValueErrors(ctx: ItemContext, item: Item<'value_errors'>): Promise<void> {
  const number = item.phoneNumberId !== null ? await numberForItem(ctx, item) : null;
  await ctx.trx
    .insertInto('account_events')
    .values({
      waba_id: number?.waba_id ?? item.wabaId ?? 'unknown',
      phone_number_id: number?.id ?? null,
      event: 'WEBHOOK_ERRORS',
      data_json: JSON.stringify(item.errors),
      meta_time: item.entryTime,
      received_at: ctx.now,
    })
    .execute();
  if (number) await numberChanged(ctx.trx, { phoneNumberId: number.id, at: ctx.now });
}
