import {
  isValidTimeZone,
  localTime,
  minutesOf,
  type Schedule,
  WEEKDAYS,
  type WeeklyHours,
} from '../platform/schedule.ts';

/**
 * What the reports need from the platform's schedules (`platform/schedule.ts`, the model the
 * automation's business hours use too): the milliseconds of a span inside a number's business hours
 * (holidays closed), and the local day, weekday and hour of an instant. Everything here is derived
 * from `localTime`; the only addition is a memo of each zone's offset per 15 minutes, since
 * reports and the fold ask for the same instants many times.
 */

const DAY_MS = 86_400_000;
const QUARTER = 15 * 60_000;
const MINUTE = 60_000;

/** Whether `timeZone` is an IANA zone this runtime knows. */
export const isTimeZone = isValidTimeZone;

/** One weekly interval as the settings API shows it (`day`: 0 = Sunday). */
export type BusinessInterval = { readonly day: number; readonly start: string; readonly end: string };

/** The schedule of intervals in a zone, with holidays. */
export function scheduleOf(input: {
  timeZone: string;
  intervals: readonly BusinessInterval[];
  holidays?: readonly string[];
}): Schedule {
  const weekly: Record<string, [string, string][]> = {};
  for (const iv of input.intervals) {
    const day = WEEKDAYS[iv.day];
    if (!day) continue;
    const list = weekly[day] ?? [];
    list.push([iv.start, iv.end]);
    weekly[day] = list;
  }
  return { timeZone: input.timeZone, weekly: weekly as WeeklyHours, holidays: [...(input.holidays ?? [])] };
}

/** The intervals of a schedule, as the settings API shows them. */
export function intervalsOf(weekly: WeeklyHours): BusinessInterval[] {
  return WEEKDAYS.flatMap((day, index) =>
    (weekly[day] ?? []).map(([start, end]) => ({ day: index, start, end })),
  );
}

// Offsets change only at 15-minute-aligned instants (every zone's transitions fall on them), so
// one lookup per zone and 15 minutes serves every instant in it; the memo is bounded.
const offsets = new Map<string, number>();

/** The zone's offset from UTC at an instant, in ms (local = utc + offset). */
export function zoneOffset(timeZone: string, utcMs: number): number {
  const quarter = Math.floor(utcMs / QUARTER) * QUARTER;
  const key = `${timeZone}|${quarter}`;
  const hit = offsets.get(key);
  if (hit !== undefined) return hit;
  if (offsets.size > 200_000) offsets.clear();
  const local = localTime(quarter, timeZone);
  const offset = Date.parse(`${local.date}T00:00:00Z`) + local.minutes * MINUTE - quarter;
  offsets.set(key, offset);
  return offset;
}

/** The UTC instant of a local wall time (ms of a "UTC-encoded" local time). */
function localToUtc(timeZone: string, localMs: number): number {
  const guess = localMs - zoneOffset(timeZone, localMs);
  return localMs - zoneOffset(timeZone, guess);
}

/** Local weekday (0 = Sunday) and hour of an instant in a zone. */
export function localWeekdayHour(timeZone: string, utcMs: number): { weekday: number; hour: number } {
  const d = new Date(utcMs + zoneOffset(timeZone, utcMs));
  return { weekday: d.getUTCDay(), hour: d.getUTCHours() };
}

/** The local calendar day (`YYYY-MM-DD`) of an instant in a zone. */
export function localDay(timeZone: string, utcMs: number): string {
  return new Date(utcMs + zoneOffset(timeZone, utcMs)).toISOString().slice(0, 10);
}

/**
 * The spans of `[from, to)` over which the zone's offset is constant (15-minute aligned), so a
 * report can place 15-minute buckets in local days and hours with integer arithmetic in SQL.
 */
export function offsetSpans(
  timeZone: string,
  from: number,
  to: number,
): { from: number; to: number; offset: number }[] {
  const spans: { from: number; to: number; offset: number }[] = [];
  const STEP = 6 * 3_600_000;
  const end = Math.ceil(to / QUARTER) * QUARTER;
  let start = Math.floor(from / QUARTER) * QUARTER;
  while (start < end) {
    const offset = zoneOffset(timeZone, start);
    // Step by 6 hours while the offset holds (transitions are months apart), then find the quarter
    // it changed at: invariant offset(lo) = offset, offset(hi) differs.
    let lo = start;
    while (lo + STEP < end && zoneOffset(timeZone, lo + STEP) === offset) lo += STEP;
    let stop = end;
    const last = lo + STEP < end ? lo + STEP : end - QUARTER;
    if (last > lo && zoneOffset(timeZone, last) !== offset) {
      let hi = last;
      while (hi - lo > QUARTER) {
        const mid = lo + Math.floor((hi - lo) / 2 / QUARTER) * QUARTER;
        if (zoneOffset(timeZone, mid) === offset) lo = mid;
        else hi = mid;
      }
      stop = hi;
    }
    spans.push({ from: start, to: stop, offset });
    start = stop;
  }
  return spans;
}

/** Milliseconds of `[start, end)` that fall inside the schedule's open hours (holidays closed). */
export function businessMs(schedule: Schedule, start: number, end: number): number {
  if (!(end > start)) return 0;
  const tz = schedule.timeZone;
  const holidays = new Set(schedule.holidays ?? []);
  let total = 0;
  // Walk the local days the span touches (one day of margin each side for the offset).
  const firstLocal = start + zoneOffset(tz, start);
  const lastLocal = end + zoneOffset(tz, end);
  for (let day = Math.floor(firstLocal / DAY_MS) - 1; day <= Math.floor(lastLocal / DAY_MS) + 1; day++) {
    const date = new Date(day * DAY_MS);
    if (holidays.has(date.toISOString().slice(0, 10))) continue;
    const weekday = WEEKDAYS[date.getUTCDay()];
    for (const [open, close] of (weekday && schedule.weekly[weekday]) || []) {
      const from = localToUtc(tz, day * DAY_MS + minutesOf(open) * MINUTE);
      const to = localToUtc(tz, day * DAY_MS + minutesOf(close) * MINUTE);
      const lo = Math.max(from, start);
      const hi = Math.min(to, end);
      if (hi > lo) total += hi - lo;
    }
  }
  return total;
}

/** Whether a schedule has any open hours at all. */
export function hasOpenHours(schedule: Schedule): boolean {
  return WEEKDAYS.some((d) => (schedule.weekly[d]?.length ?? 0) > 0);
}
