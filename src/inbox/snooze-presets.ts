import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import { isValidTimeZone, localTime } from '../platform/schedule.ts';

/** The snooze presets an operator picks from; `custom` is a time they choose. */
export const SNOOZE_PRESETS = ['one_hour', 'tonight', 'tomorrow_morning', 'next_week'] as const;
export type SnoozePreset = (typeof SNOOZE_PRESETS)[number];

/** The wall-clock hours of the presets, in the number's time zone. */
const TONIGHT_MINUTES = 20 * 60;
const MORNING_MINUTES = 9 * 60;
/** "Tonight" is offered while 20:00 is at least this far ahead. */
const TONIGHT_LEAD_MS = 30 * 60_000;

/**
 * The time zone a number's conversations are snoozed in: its business hours' zone
 * (`business_hours.time_zone`), or UTC for a number without business hours.
 */
export async function numberTimeZone(db: Kysely<DB>, phoneNumberId: string): Promise<string> {
  const row = await db
    .selectFrom('business_hours')
    .select('time_zone')
    .where('phone_number_id', '=', phoneNumberId)
    .executeTakeFirst();
  return row && isValidTimeZone(row.time_zone) ? row.time_zone : 'UTC';
}

/** The UTC instant of `minutes` after midnight on the local date `date` (YYYY-MM-DD) in `timeZone`. */
function zonedToUtc(date: string, minutes: number, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d) + minutes * 60_000;
  const offsetAt = (at: number) => {
    const local = localTime(at, timeZone);
    const [ly, lm, ld] = local.date.split('-').map(Number) as [number, number, number];
    return Date.UTC(ly, lm - 1, ld) + local.minutes * 60_000 - Math.floor(at / 60_000) * 60_000;
  };
  // Two rounds settle the offset, daylight-saving days included.
  let guess = wall - offsetAt(wall);
  guess = wall - offsetAt(guess);
  return guess;
}

/** The local date `days` after `date`. */
function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

const WEEKDAY_INDEX = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } as const;

/**
 * When each preset ends, seen from `now` in `timeZone`: in an hour; tonight at 20:00 (absent once
 * that is less than half an hour away); tomorrow at 09:00; next Monday at 09:00.
 */
export function snoozePresetTimes(now: number, timeZone: string): Partial<Record<SnoozePreset, number>> {
  const today = localTime(now, timeZone);
  const tonight = zonedToUtc(today.date, TONIGHT_MINUTES, timeZone);
  const untilMonday = (8 - WEEKDAY_INDEX[today.weekday]) % 7 || 7;
  return {
    one_hour: now + 3_600_000,
    ...(tonight - now >= TONIGHT_LEAD_MS ? { tonight } : {}),
    tomorrow_morning: zonedToUtc(addDays(today.date, 1), MORNING_MINUTES, timeZone),
    next_week: zonedToUtc(addDays(today.date, untilMonday), MORNING_MINUTES, timeZone),
  };
}
