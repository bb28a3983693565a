import { calendarDate } from '../../../shared/format.ts';

const DAY_MS = 86_400_000;

/**
 * The calendar day of `at` as a whole number (DST-proof), in `timeZone` (IANA; a conversation's
 * number's business zone) or else the browser's.
 */
export function calendarDay(at: number, timeZone?: string): number {
  if (timeZone) {
    const [year = 0, month = 1, day = 1] = calendarDate(at, { timeZone }).split('-').map(Number);
    return Math.round(Date.UTC(year, month - 1, day) / DAY_MS);
  }
  const date = new Date(at);
  return Math.round(Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()) / DAY_MS);
}

function capitalise(text: string, locale: string | undefined): string {
  return text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);
}

function formatDay(at: number, locale: string | undefined, options: Intl.DateTimeFormatOptions): string {
  try {
    return new Intl.DateTimeFormat(locale, options).format(new Date(at));
  } catch {
    // An unknown zone: the browser's.
    return new Intl.DateTimeFormat(locale, { ...options, timeZone: undefined }).format(new Date(at));
  }
}

/**
 * The label of a day separator in the timeline, in `locale` (the browser's when omitted) and on
 * the clock of `timeZone` (the browser's when omitted): "Today", "Yesterday", the weekday within
 * the last week, else the full date (with the year).
 */
export function dayLabel(at: number, now: number, locale?: string, timeZone?: string): string {
  const daysAgo = calendarDay(now, timeZone) - calendarDay(at, timeZone);
  if (daysAgo === 0 || daysAgo === 1) {
    const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(-daysAgo, 'day');
    return capitalise(relative, locale);
  }
  if (daysAgo > 1 && daysAgo < 7) return formatDay(at, locale, { weekday: 'long', timeZone });
  return formatDay(at, locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone });
}
