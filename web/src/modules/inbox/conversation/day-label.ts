const DAY_MS = 86_400_000;

/** The calendar day of `at` in the browser's time zone, as a whole number (DST-proof). */
export function calendarDay(at: number): number {
  const date = new Date(at);
  return Math.round(Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()) / DAY_MS);
}

function capitalise(text: string, locale: string | undefined): string {
  return text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);
}

/**
 * The label of a day separator in the timeline, in `locale` (the browser's when omitted):
 * "Today", "Yesterday", the weekday within the last week, else the full date (with the year).
 */
export function dayLabel(at: number, now: number, locale?: string): string {
  const daysAgo = calendarDay(now) - calendarDay(at);
  if (daysAgo === 0 || daysAgo === 1) {
    const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(-daysAgo, 'day');
    return capitalise(relative, locale);
  }
  const date = new Date(at);
  if (daysAgo > 1 && daysAgo < 7) return date.toLocaleDateString(locale, { weekday: 'long' });
  return date.toLocaleDateString(locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
}
