import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import { parseJsonOr } from '../platform/json.ts';
import { isOpenAt, type Schedule, type WeeklyHours } from '../platform/schedule.ts';

/*
 * Business hours of a number (`business_hours`): a weekly schedule in its time zone
 * (`platform/schedule.ts`), holidays, and an out-of-hours reply.
 */

/** A number's business hours, or null when it has none (always open). */
export async function businessHoursOf(db: Kysely<DB>, phoneNumberId: string) {
  const row = await db
    .selectFrom('business_hours')
    .selectAll()
    .where('phone_number_id', '=', phoneNumberId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    schedule: {
      timeZone: row.time_zone,
      weekly: parseJsonOr<WeeklyHours>(row.weekly_json, {}),
      holidays: parseJsonOr<string[]>(row.holidays_json, []),
    } satisfies Schedule,
    outOfHoursText: row.out_of_hours_text,
    updatedAt: Number(row.updated_at),
  };
}

/** Whether a number is open at an instant: true without business hours. */
export async function numberIsOpen(db: Kysely<DB>, phoneNumberId: string, at: number): Promise<boolean> {
  const hours = await businessHoursOf(db, phoneNumberId);
  return hours ? isOpenAt(hours.schedule, at) : true;
}
