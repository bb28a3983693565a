import type { Kysely, Selectable } from 'kysely';
import type { DB, PhoneNumberTable } from '../platform/db/schema.ts';
import { recordDomainEvent } from '../platform/realtime/domain-events.ts';

export type PhoneNumberRow = Selectable<PhoneNumberTable>;

/** Makes sure the WABA row exists (insert-or-ignore). */
export async function ensureWaba(trx: Kysely<DB>, input: { wabaId: string; at: number }): Promise<void> {
  await trx
    .insertInto('wabas')
    .values({
      id: input.wabaId,
      name: null,
      owner_business_id: null,
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
    await numberChanged(trx, { phoneNumberId: inserted.id, at: input.at });
    return inserted;
  }
  const raced = await find();
  if (!raced) throw new Error('phone number vanished after a conflicting insert');
  return raced;
}

/** Records `number.changed` for a number the caller updated. */
export async function numberChanged(
  trx: Kysely<DB>,
  input: { phoneNumberId: string; at: number },
): Promise<void> {
  await recordDomainEvent(
    trx,
    {
      type: 'number.changed',
      phoneNumberId: input.phoneNumberId,
      payload: { phone_number_id: input.phoneNumberId },
    },
    input.at,
  );
}
