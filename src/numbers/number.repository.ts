import type { Kysely } from 'kysely';
import { organisationForNewWaba } from '../auth/organisation-scope.ts';
import type { DB } from '../database.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import type { ConnectionState, PhoneNumberRow } from './number.table.ts';

/**
 * Makes sure the WABA row exists (insert-or-ignore). A new one goes to the hub's only organisation,
 * or to none while there are several (a registration claims it: `auth/organisation-scope.ts`).
 */
export async function ensureWaba(trx: Kysely<DB>, input: { wabaId: string; at: number }): Promise<void> {
  const known = await trx.selectFrom('wabas').select('id').where('id', '=', input.wabaId).executeTakeFirst();
  if (known) return;
  await trx
    .insertInto('wabas')
    .values({
      id: input.wabaId,
      name: null,
      owner_business_id: null,
      organisation_id: await organisationForNewWaba(trx),
      state: 'active',
      last_lifecycle_at: null,
      created_at: input.at,
      updated_at: input.at,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/**
 * The business phone number with this Meta id, created (with its WABA) the first time a webhook
 * names it. Insert-or-ignore, so concurrent calls converge. Records `number.changed` on creation.
 */
export async function ensurePhoneNumber(
  trx: Kysely<DB>,
  input: { phoneNumberId: string; wabaId: string; displayPhoneNumber: string; at: number },
): Promise<PhoneNumberRow> {
  const find = () =>
    trx.selectFrom('phone_numbers').selectAll().where('id', '=', input.phoneNumberId).executeTakeFirst();
  const existing = await find();
  if (existing) return existing;
  await ensureWaba(trx, { wabaId: input.wabaId, at: input.at });
  const inserted = await trx
    .insertInto('phone_numbers')
    .values({
      id: input.phoneNumberId,
      waba_id: input.wabaId,
      display_phone_number: input.displayPhoneNumber.replace(/\D+/g, ''),
      verified_name: null,
      is_coexistence: 1,
      connection_state: 'connected',
      disconnection_reason: null,
      disconnection_initiated_by: null,
      connection_changed_at: null,
      last_lifecycle_at: null,
      onboarded_at: null,
      last_echo_at: null,
      history_state: 'not_requested',
      history_progress: 0,
      history_error_json: null,
      history_last_chunk_at: null,
      contacts_sync_state: 'not_requested',
      throughput_mps: 20,
      created_at: input.at,
      updated_at: input.at,
    })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) {
    await numberChanged(trx, { phoneNumberId: inserted.id, at: input.at, change: 'created' });
    return replayLifecycle(trx, inserted, input.at);
  }
  const raced = await find();
  if (!raced) throw new Error('phone number vanished after a conflicting insert');
  return raced;
}

/** Records `number.changed` for a number the caller updated (`change` names what). */
export async function numberChanged(
  trx: Kysely<DB>,
  input: { phoneNumberId: string; at: number; change?: string },
): Promise<void> {
  const payload = { phone_number_id: input.phoneNumberId, change: input.change ?? 'details' };
  await recordEvent(trx, { type: 'number.changed', phoneNumberId: input.phoneNumberId, payload }, input.at);
}

/** Lifecycle events (`account_update`) that change a number's connection state. */
export const connectionByEvent: Record<string, ConnectionState> = {
  PARTNER_REMOVED: 'disconnected',
  ACCOUNT_OFFBOARDED: 'offboarded',
  ACCOUNT_RECONNECTED: 'connected',
  PARTNER_APP_UNINSTALLED: 'uninstalled',
};

/**
 * Applies a lifecycle event (Meta time `time`) to a number unless a newer one was applied already.
 * Returns whether it changed the number.
 */
export async function applyLifecycle(
  trx: Kysely<DB>,
  input: { number: PhoneNumberRow; event: string; value: Record<string, unknown>; time: number; at: number },
): Promise<boolean> {
  const state = connectionByEvent[input.event];
  const n = input.number;
  if (!state || (n.last_lifecycle_at !== null && input.time < n.last_lifecycle_at)) return false;
  const raw = input.value.disconnection_info;
  const info = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  const connected = state === 'connected';
  await trx
    .updateTable('phone_numbers')
    .set({
      connection_state: state,
      disconnection_reason: connected ? null : (text(info.reason) ?? input.event),
      disconnection_initiated_by: connected ? null : text(info.initiated_by),
      connection_changed_at: input.time,
      last_lifecycle_at: input.time,
      updated_at: input.at,
    })
    .where('id', '=', n.id)
    .execute();
  const payload = {
    phone_number_id: n.id,
    from: n.connection_state,
    to: state,
    reason: connected ? null : (text(info.reason) ?? input.event),
  };
  await recordEvent(trx, { type: 'number.connection_changed', phoneNumberId: n.id, payload }, input.at);
  return true;
}

/**
 * A number first seen after lifecycle events of its WABA arrived: links those events to it and applies
 * the newest one, so the outcome does not depend on which webhook came first.
 */
async function replayLifecycle(trx: Kysely<DB>, number: PhoneNumberRow, at: number): Promise<PhoneNumberRow> {
  const events = await trx
    .selectFrom('account_events')
    .selectAll()
    .where('waba_id', '=', number.waba_id)
    .where('phone_number_id', 'is', null)
    .orderBy('meta_time')
    .orderBy('id')
    .execute();
  if (events.length === 0) return number;
  const others = await trx
    .selectFrom('phone_numbers')
    .select('id')
    .where('waba_id', '=', number.waba_id)
    .where('id', '!=', number.id)
    .execute();
  let current = number;
  for (const e of events) {
    let value: Record<string, unknown> = {};
    try {
      value = JSON.parse(e.data_json) as Record<string, unknown>;
    } catch {}
    const named = typeof value.phone_number === 'string' ? value.phone_number.replace(/\D+/g, '') : null;
    if (named !== null ? named !== number.display_phone_number : others.length > 0) continue;
    await trx
      .updateTable('account_events')
      .set({ phone_number_id: number.id })
      .where('id', '=', e.id)
      .execute();
    if (
      e.meta_time !== null &&
      (await applyLifecycle(trx, { number: current, event: e.event, value, time: e.meta_time, at }))
    ) {
      current = await trx
        .selectFrom('phone_numbers')
        .selectAll()
        .where('id', '=', number.id)
        .executeTakeFirstOrThrow();
    }
  }
  return current;
}
