import type { IngestContext } from '../messages/ingest-context.ts';
import type { AccountUpdate, ValueErrors } from './inbound-events.ts';
import { applyLifecycle, connectionByEvent, ensureWaba, numberChanged } from './number.repository.ts';
import type { PhoneNumberRow } from './number.table.ts';

/** Where an item came from (the envelope's WABA and time). */
type Envelope = { readonly wabaId: string | null; readonly entryTime: number | null };

/**
 * `account_update`: every event is recorded in `account_events`; the coexistence lifecycle events
 * move the connection state of the WABA's numbers (or the one `phone_number` named), unless they are
 * older (`entry[].time`) than the last lifecycle event applied.
 */
export async function processAccountUpdate(
  ctx: IngestContext,
  item: { readonly event: AccountUpdate; readonly envelope: Envelope },
): Promise<void> {
  const { trx, now } = ctx;
  const { event: v, envelope } = item;
  const wabaId = envelope.wabaId ?? v.infoWabaId ?? 'unknown';
  let query = trx.selectFrom('phone_numbers').selectAll().where('waba_id', '=', wabaId);
  if (v.displayPhone) query = query.where('display_phone_number', '=', v.displayPhone);
  const numbers = await query.execute();
  await trx
    .insertInto('account_events')
    .values({
      waba_id: wabaId,
      phone_number_id: numbers.length === 1 ? (numbers[0]?.id ?? null) : null,
      event: v.event,
      data_json: v.dataJson,
      meta_time: envelope.entryTime,
      received_at: now,
    })
    .execute();
  await ensureWaba(trx, { wabaId, at: now });
  const state = connectionByEvent[v.event];
  if (!state) return;
  const time = envelope.entryTime ?? now;
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
  const value = {
    disconnection_info: { reason: v.disconnection.reason, initiated_by: v.disconnection.initiatedBy },
  };
  for (const n of numbers) await applyLifecycle(trx, { number: n, event: v.event, value, time, at: now });
}

/** Value-level `errors[]` of a `messages` change: recorded against the WABA (and number) as an account event. */
export async function processValueErrors(
  ctx: IngestContext,
  item: { readonly event: ValueErrors; readonly number: PhoneNumberRow | null; readonly envelope: Envelope },
): Promise<void> {
  const { number, envelope } = item;
  await ctx.trx
    .insertInto('account_events')
    .values({
      waba_id: number?.waba_id ?? envelope.wabaId ?? 'unknown',
      phone_number_id: number?.id ?? null,
      event: 'WEBHOOK_ERRORS',
      data_json: item.event.errorsJson,
      meta_time: envelope.entryTime,
      received_at: ctx.now,
    })
    .execute();
  if (number) await numberChanged(ctx.trx, { phoneNumberId: number.id, at: ctx.now });
}
