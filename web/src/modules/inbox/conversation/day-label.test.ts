import { describe, expect, it } from 'vitest';
import { calendarDay, dayLabel } from './day-label.ts';

// Local times, so the calendar days are the browser's (the test runner's) own.
const at = (y: number, m: number, d: number, h = 12, min = 0) => new Date(y, m - 1, d, h, min).getTime();
const NOW = at(2026, 3, 12, 9, 30); // Thursday 12 March 2026, 09:30

describe('dayLabel', () => {
  it('says Today for any time since midnight, and Yesterday for the day before', () => {
    expect(dayLabel(at(2026, 3, 12, 0, 0), NOW, 'en')).toBe('Today');
    expect(dayLabel(at(2026, 3, 12, 9, 29), NOW, 'en')).toBe('Today');
    expect(dayLabel(at(2026, 3, 11, 23, 59), NOW, 'en')).toBe('Yesterday');
    expect(dayLabel(at(2026, 3, 11, 0, 0), NOW, 'en')).toBe('Yesterday');
  });

  it('names the weekday within the last week, then the full date with the year', () => {
    expect(dayLabel(at(2026, 3, 10), NOW, 'en')).toBe('Tuesday');
    expect(dayLabel(at(2026, 3, 6), NOW, 'en')).toBe('Friday');
    expect(dayLabel(at(2026, 3, 5), NOW, 'en-GB')).toMatch(/^Thursday,? 5 March 2026$/);
    expect(dayLabel(at(2025, 9, 1), NOW, 'en-US')).toBe('Monday, September 1, 2025');
  });

  it("speaks the browser's language", () => {
    expect(dayLabel(at(2026, 3, 12), NOW, 'es')).toBe('Hoy');
    expect(dayLabel(at(2026, 3, 11), NOW, 'pt-BR')).toBe('Ontem');
    expect(dayLabel(at(2026, 3, 9), NOW, 'es')).toBe('lunes');
    expect(dayLabel(at(2025, 9, 1), NOW, 'pt-BR')).toBe('segunda-feira, 1 de setembro de 2025');
  });

  it('gives a date in the future its full date rather than a weekday', () => {
    expect(dayLabel(at(2026, 3, 14), NOW, 'en-GB')).toMatch(/^Saturday,? 14 March 2026$/);
  });
});

describe('calendarDay', () => {
  it('counts calendar days, not 24-hour spans', () => {
    expect(calendarDay(at(2026, 3, 12, 0, 0)) - calendarDay(at(2026, 3, 11, 23, 59))).toBe(1);
    expect(calendarDay(at(2026, 3, 12, 23, 59))).toBe(calendarDay(at(2026, 3, 12, 0, 0)));
    // Across a daylight-saving change (Europe and the US both move in March or October).
    expect(calendarDay(at(2026, 11, 2)) - calendarDay(at(2026, 10, 20))).toBe(13);
  });
});

describe('on the business clock of the number', () => {
  // 23:30 UTC on 11 April 2026 is already 12 April in Tokyo and still 11 April in Mexico City.
  const lateUtc = Date.UTC(2026, 3, 11, 23, 30);
  const noonUtc = Date.UTC(2026, 3, 12, 12, 0);

  it('cuts the days at the midnight of the zone', () => {
    expect(calendarDay(lateUtc, 'Asia/Tokyo')).toBe(calendarDay(noonUtc, 'Asia/Tokyo'));
    expect(calendarDay(noonUtc, 'America/Mexico_City') - calendarDay(lateUtc, 'America/Mexico_City')).toBe(1);
  });

  it('says today or yesterday by that clock, in the given language', () => {
    expect(dayLabel(lateUtc, noonUtc, 'es', 'Asia/Tokyo')).toBe('Hoy');
    expect(dayLabel(lateUtc, noonUtc, 'es', 'America/Mexico_City')).toBe('Ayer');
    expect(dayLabel(Date.UTC(2025, 8, 1, 2), noonUtc, 'pt-BR', 'America/Sao_Paulo')).toBe(
      'domingo, 31 de agosto de 2025',
    );
  });
});
