import { describe, expect, it } from 'vitest';
import { businessMs, localDay, localWeekdayHour, offsetSpans, scheduleOf } from './business-time.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('business time on platform/schedule.ts', () => {
  const madrid = scheduleOf({
    timeZone: 'Europe/Madrid',
    intervals: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '18:00' })),
    holidays: ['2026-12-08'],
  });

  it('counts only the open hours of a span, in the zone, and none on a holiday', () => {
    // Friday 2026-12-04 17:00 Madrid (16:00 UTC) to Monday 10:00 Madrid: 1 h Friday + 1 h Monday.
    expect(businessMs(madrid, Date.UTC(2026, 11, 4, 16), Date.UTC(2026, 11, 7, 9))).toBe(2 * HOUR);
    // Tuesday 2026-12-08 is a holiday: the whole day counts nothing.
    expect(businessMs(madrid, Date.UTC(2026, 11, 8, 0), Date.UTC(2026, 11, 9, 0))).toBe(0);
    expect(businessMs(madrid, Date.UTC(2026, 11, 9, 0), Date.UTC(2026, 11, 10, 0))).toBe(9 * HOUR);
  });

  it('follows daylight saving: 09:00 local is 08:00 UTC in March before the change and 07:00 after', () => {
    // Monday 2026-03-23 (CET) and Monday 2026-03-30 (CEST), 07:00-09:00 UTC each.
    expect(businessMs(madrid, Date.UTC(2026, 2, 23, 7), Date.UTC(2026, 2, 23, 9))).toBe(HOUR);
    expect(businessMs(madrid, Date.UTC(2026, 2, 30, 7), Date.UTC(2026, 2, 30, 9))).toBe(2 * HOUR);
  });

  it('places instants in local days and hours', () => {
    expect(localDay('America/Sao_Paulo', Date.UTC(2026, 7, 2, 2))).toBe('2026-08-01');
    expect(localWeekdayHour('Asia/Kolkata', Date.UTC(2026, 7, 2, 20, 45))).toEqual({ weekday: 1, hour: 2 });
  });

  it('cuts a range where the zone offset changes, at the exact quarter hour', () => {
    const from = Date.UTC(2026, 2, 1);
    const to = Date.UTC(2026, 4, 1);
    const spans = offsetSpans('Europe/Madrid', from, to);
    // Madrid moves from +1 h to +2 h on 2026-03-29 at 01:00 UTC.
    expect(spans).toEqual([
      { from, to: Date.UTC(2026, 2, 29, 1), offset: HOUR },
      { from: Date.UTC(2026, 2, 29, 1), to, offset: 2 * HOUR },
    ]);
    expect(offsetSpans('UTC', from, from + 90 * DAY)).toEqual([{ from, to: from + 90 * DAY, offset: 0 }]);
  });
});
