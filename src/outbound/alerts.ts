import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../database.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { newId } from '../platform/ids.ts';
import type { AlertTable } from './outbound.table.ts';

export type AlertRow = Selectable<AlertTable>;

/**
 * Raises an alert, or counts one more occurrence of the open alert with the same number and code
 * (so an unknown error code alerts once, not once per message). Returns the alert id.
 */
export async function raiseAlert(
  trx: Kysely<DB>,
  input: {
    phoneNumberId: string | null;
    wabaId: string | null;
    code: string;
    title: string;
    message: string;
    details?: unknown;
    now: number;
  },
): Promise<string> {
  let q = trx
    .selectFrom('alerts')
    .select(['id'])
    .where('code', '=', input.code)
    .where('resolved_at', 'is', null);
  q =
    input.phoneNumberId === null
      ? q.where('phone_number_id', 'is', null)
      : q.where('phone_number_id', '=', input.phoneNumberId);
  const open = await q.executeTakeFirst();
  if (open) {
    await trx
      .updateTable('alerts')
      .set((eb) => ({ count: eb('count', '+', 1), last_at: input.now }))
      .where('id', '=', open.id)
      .execute();
    return open.id;
  }
  const id = newId();
  await trx
    .insertInto('alerts')
    .values({
      id,
      phone_number_id: input.phoneNumberId,
      waba_id: input.wabaId,
      code: input.code,
      title: input.title,
      message: input.message,
      details_json: input.details === undefined ? null : JSON.stringify(input.details),
      count: 1,
      first_at: input.now,
      last_at: input.now,
      resolved_at: null,
      resolved_by: null,
    })
    .execute();
  await recordEvent(
    trx,
    { type: 'alert.raised', phoneNumberId: input.phoneNumberId, payload: { alert_id: id, code: input.code } },
    input.now,
  );
  return id;
}

/** Resolves an alert; a number paused by it resumes sending. Returns false when there is no such open alert. */
export async function resolveAlert(
  db: Kysely<DB>,
  input: { id: string; by: string | null; now: number },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('alerts')
      .set({ resolved_at: input.now, resolved_by: input.by })
      .where('id', '=', input.id)
      .where('resolved_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    await trx
      .updateTable('number_send_state')
      .set({
        paused_until: null,
        pause_kind: null,
        pause_reason: null,
        alert_id: null,
        updated_at: input.now,
      })
      .where('alert_id', '=', input.id)
      .execute();
    return true;
  });
}

/** Pauses a number's sending: until a time (`backoff`) or until its alert is resolved (`alert`). */
export async function pauseNumber(
  trx: Kysely<DB>,
  input: {
    phoneNumberId: string;
    kind: 'backoff' | 'alert';
    until: number | null;
    reason: string;
    alertId: string | null;
    now: number;
  },
): Promise<void> {
  const values = {
    paused_until: input.until,
    pause_kind: input.kind,
    pause_reason: input.reason,
    alert_id: input.alertId,
    updated_at: input.now,
  };
  await trx
    .insertInto('number_send_state')
    .values({ phone_number_id: input.phoneNumberId, ...values })
    .onConflict((oc) => oc.column('phone_number_id').doUpdateSet(values))
    .execute();
}

/** Whether a number may send now, and if not, until when and why. */
export async function numberPause(
  db: Kysely<DB>,
  phoneNumberId: string,
  now: number,
): Promise<{ paused: boolean; until: number | null; reason: string | null }> {
  const row = await db
    .selectFrom('number_send_state')
    .selectAll()
    .where('phone_number_id', '=', phoneNumberId)
    .executeTakeFirst();
  if (!row || row.pause_kind === null) return { paused: false, until: null, reason: null };
  if (row.pause_kind === 'alert') return { paused: true, until: null, reason: row.pause_reason };
  const paused = row.paused_until !== null && row.paused_until > now;
  return { paused, until: row.paused_until, reason: paused ? row.pause_reason : null };
}
