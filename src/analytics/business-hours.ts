/**
 * Business hours of a number: weekly intervals in the number's time zone. Durations "in business
 * hours" count only the milliseconds that fall inside those intervals (Chatwoot's
 * `value_in_business_hours`; Intercom subtracts office hours the same way).
 */
export type BusinessInterval = { readonly day: number; readonly start: string; readonly end: string };
export type BusinessHours = { readonly timeZone: string; readonly intervals: readonly BusinessInterval[] };

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

// Offsets change only at 15-minute-aligned instants (every zone's transitions fall on them), so
// one lookup per zone and 15 minutes serves every instant in it; the memo is bounded.
const QUARTER = 15 * 60_000;
const offsets = new Map<string, number>();

/** The zone's offset from UTC at an instant, in ms (local = utc + offset). */
export function zoneOffset(timeZone: string, utcMs: number): number {
  const key = `${timeZone}|${Math.floor(utcMs / QUARTER)}`;
  const hit = offsets.get(key);
  if (hit !== undefined) return hit;
  if (offsets.size > 200_000) offsets.clear();
  const offset = computeOffset(timeZone, Math.floor(utcMs / QUARTER) * QUARTER);
  offsets.set(key, offset);
  return offset;
}

function computeOffset(timeZone: string, utcMs: number): number {
  const parts = formatter(timeZone).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const local = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return local - Math.floor(utcMs / 1000) * 1000;
}

/** The UTC instant of a local wall time (ms of a "UTC-encoded" local time). */
export function localToUtc(timeZone: string, localMs: number): number {
  const guess = localMs - zoneOffset(timeZone, localMs);
  return localMs - zoneOffset(timeZone, guess);
}

/** Local weekday (0 = Sunday) and hour of an instant in a zone. */
export function localWeekdayHour(timeZone: string, utcMs: number): { weekday: number; hour: number } {
  const local = utcMs + zoneOffset(timeZone, utcMs);
  const d = new Date(local);
  return { weekday: d.getUTCDay(), hour: d.getUTCHours() };
}

/** The local calendar day (`YYYY-MM-DD`) of an instant in a zone. */
export function localDay(timeZone: string, utcMs: number): string {
  return new Date(utcMs + zoneOffset(timeZone, utcMs)).toISOString().slice(0, 10);
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Milliseconds of `[start, end)` that fall inside the business hours. */
export function businessMs(hours: BusinessHours, start: number, end: number): number {
  if (!(end > start) || hours.intervals.length === 0) return 0;
  const tz = hours.timeZone;
  let total = 0;
  // Walk the local days the span touches (one day of margin each side for the offset).
  const firstLocal = start + zoneOffset(tz, start);
  const lastLocal = end + zoneOffset(tz, end);
  for (let day = Math.floor(firstLocal / DAY_MS) - 1; day <= Math.floor(lastLocal / DAY_MS) + 1; day++) {
    const weekday = new Date(day * DAY_MS).getUTCDay();
    for (const iv of hours.intervals) {
      if (iv.day !== weekday) continue;
      const from = localToUtc(tz, day * DAY_MS + minutesOf(iv.start) * 60_000);
      const to = localToUtc(tz, day * DAY_MS + minutesOf(iv.end) * 60_000);
      const lo = Math.max(from, start);
      const hi = Math.min(to, end);
      if (hi > lo) total += hi - lo;
    }
  }
  return total;
}
