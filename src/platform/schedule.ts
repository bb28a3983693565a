/**
 * Weekly schedules in a time zone (business hours of a number, working hours of an agent), with the
 * platform's own tz database (`Intl`, ICU's IANA data, kept current with Node): open intervals in
 * local time and holidays as local dates. Daylight-saving changes are handled by asking Intl for the
 * local wall time of the instant, never by adding offsets.
 */

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
/** `[["09:00","13:00"],["14:00","18:00"]]` per weekday; a missing day is closed. */
export type WeeklyHours = Partial<Record<Weekday, readonly (readonly [string, string])[]>>;

export type Schedule = {
  readonly timeZone: string;
  readonly weekly: WeeklyHours;
  /** Local dates (`YYYY-MM-DD`) closed all day. */
  readonly holidays?: readonly string[];
};

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local wall time of an instant in a zone: date, weekday and minutes since midnight. */
export function localTime(at: number, timeZone: string): { date: string; weekday: Weekday; minutes: number } {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(at))) parts[p.type] = p.value;
  const weekday = (parts.weekday ?? 'Sun').slice(0, 3).toLowerCase() as Weekday;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

const HHMM = /^([01]\d|2[0-4]):([0-5]\d)$/;

/** `"09:30"` → 570; `"24:00"` → 1440 (end of day). Throws on a malformed time. */
export function minutesOf(hhmm: string): number {
  const m = HHMM.exec(hhmm);
  if (!m) throw new Error(`not a time: ${hhmm}`);
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (minutes > 1440) throw new Error(`not a time: ${hhmm}`);
  return minutes;
}

/** Whether the schedule is open at an instant (holidays closed all day). */
export function isOpenAt(schedule: Schedule, at: number): boolean {
  const local = localTime(at, schedule.timeZone);
  if (schedule.holidays?.includes(local.date)) return false;
  const intervals = schedule.weekly[local.weekday] ?? [];
  return intervals.some(([from, to]) => local.minutes >= minutesOf(from) && local.minutes < minutesOf(to));
}
