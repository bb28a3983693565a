import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import { parseJsonOr } from '../platform/json.ts';
import { isOpenAt, type Schedule, type WeeklyHours } from '../platform/schedule.ts';
import type { BusinessHoursRow } from './automation.table.ts';

/*
 * Business hours of a number (`business_hours`): a weekly schedule in its time zone
 * (`platform/schedule.ts`), holidays, and an out-of-hours reply. The one store of a number's
 * business hours: automation (out-of-hours reply, conditions, triggers), routing and the reports'
 * business-hours times all read it (the reports' settings page writes it too; migration 041 moved
 * what the reports kept apart).
 */

/** A stored row as the platform's schedule. */
export function scheduleFromRow(
  row: Pick<BusinessHoursRow, 'time_zone' | 'weekly_json' | 'holidays_json'>,
): Schedule & { holidays: string[] } {
  return {
    timeZone: row.time_zone,
    weekly: parseJsonOr<WeeklyHours>(row.weekly_json, {}),
    holidays: parseJsonOr<string[]>(row.holidays_json, []),
  };
}

/** The business hours of several numbers at once (numbers without any are absent: always open). */
export async function schedulesOf(
  db: Kysely<DB>,
  phoneNumberIds: readonly string[],
): Promise<Map<string, Schedule>> {
  if (phoneNumberIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('business_hours')
    .select(['phone_number_id', 'time_zone', 'weekly_json', 'holidays_json'])
    .where('phone_number_id', 'in', [...new Set(phoneNumberIds)])
    .execute();
  return new Map(rows.map((r) => [r.phone_number_id, scheduleFromRow(r)]));
}

/**
 * Sets a number's weekly hours and holidays in the caller's transaction, keeping its out-of-hours
 * reply; `null` removes them (the number is always open again, and its out-of-hours reply goes too).
 */
export async function saveSchedule(
  trx: Kysely<DB>,
  input: { phoneNumberId: string; schedule: Schedule | null; now: number },
): Promise<void> {
  if (input.schedule === null) {
    await trx.deleteFrom('business_hours').where('phone_number_id', '=', input.phoneNumberId).execute();
    return;
  }
  const values = {
    time_zone: input.schedule.timeZone,
    weekly_json: JSON.stringify(input.schedule.weekly),
    holidays_json: JSON.stringify([...new Set(input.schedule.holidays ?? [])].sort()),
    updated_at: input.now,
  };
  await trx
    .insertInto('business_hours')
    .values({ phone_number_id: input.phoneNumberId, ...values, out_of_hours_text: null })
    .onConflict((oc) => oc.column('phone_number_id').doUpdateSet(values))
    .execute();
}

/** A number's business hours, or null when it has none (always open). */
export async function businessHoursOf(db: Kysely<DB>, phoneNumberId: string) {
  const row = await db
    .selectFrom('business_hours')
    .selectAll()
    .where('phone_number_id', '=', phoneNumberId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    schedule: scheduleFromRow(row),
    outOfHoursText: row.out_of_hours_text,
    updatedAt: Number(row.updated_at),
  };
}

/** Whether a number is open at an instant: true without business hours. */
export async function numberIsOpen(db: Kysely<DB>, phoneNumberId: string, at: number): Promise<boolean> {
  const hours = await businessHoursOf(db, phoneNumberId);
  return hours ? isOpenAt(hours.schedule, at) : true;
}
