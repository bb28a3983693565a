import { currentLanguage } from '../i18n/index.ts';

/**
 * Formatting helpers shared by every screen: dates, times and numbers in the user's language
 * (`Intl`, the i18n language), in a number's business time zone when one is given
 * (`timeZone`, IANA), else the browser's.
 */

export type TimeOptions = { timeZone?: string | null | undefined };

export function parseTime(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') return value;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : parsed;
}

/** The user's locale for `Intl` (the app's language). */
export function locale(): string {
  return currentLanguage();
}

const browserZone = (() => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
})();

/** A known IANA zone, or undefined (the browser's) for a missing or unknown one. */
function zoneOf(options: TimeOptions | undefined): string | undefined {
  const zone = options?.timeZone;
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

/** Whether `timeZone` shows other clock times than the browser's zone (then times carry the zone). */
function foreignZone(zone: string | undefined): boolean {
  return zone !== undefined && zone !== browserZone;
}

/** "14:05" (or "2:05 PM" in English), on the business clock when a zone is given. */
export function formatClock(value: string | number | null | undefined, options?: TimeOptions): string {
  const at = parseTime(value);
  if (at === null) return '';
  return new Date(at).toLocaleTimeString(locale(), {
    hour: '2-digit',
    minute: '2-digit',
    timeZone: zoneOf(options),
  });
}

/** The calendar date of `at` in a zone, as `YYYY-MM-DD`. */
export function calendarDate(at: number, options?: TimeOptions): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: zoneOf(options),
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(at));
}

/** "14:05" today, "Mon" this week, "12 Mar" otherwise. */
export function formatListTime(
  value: string | number | null | undefined,
  options: TimeOptions & { now?: number } = {},
): string {
  const at = parseTime(value);
  if (at === null) return '';
  const now = options.now ?? Date.now();
  const date = new Date(at);
  const timeZone = zoneOf(options);
  if (calendarDate(at, options) === calendarDate(now, options)) return formatClock(at, options);
  if (now - at < 6 * 86_400_000) return date.toLocaleDateString(locale(), { weekday: 'short', timeZone });
  return date.toLocaleDateString(locale(), { day: 'numeric', month: 'short', timeZone });
}

/** A full date and time ("1 dic 2026, 14:05"); with the zone's name when it is not the browser's. */
export function formatDateTime(value: string | number | null | undefined, options?: TimeOptions): string {
  const at = parseTime(value);
  if (at === null) return '—';
  const timeZone = zoneOf(options);
  const text = new Date(at).toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short', timeZone });
  return foreignZone(timeZone) ? `${text} (${timeZone})` : text;
}

/** A date alone ("1 dic 2026"). */
export function formatDate(value: string | number | null | undefined, options?: TimeOptions): string {
  const at = parseTime(value);
  if (at === null) return '—';
  return new Date(at).toLocaleDateString(locale(), { dateStyle: 'medium', timeZone: zoneOf(options) });
}

/** A number in the user's locale ("12,345" / "12.345"). */
export function formatNumber(value: number | null | undefined, options?: Intl.NumberFormatOptions): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return new Intl.NumberFormat(locale(), options).format(value);
}

/** A ratio 0–1 as a percentage in the user's locale ("42%", "42 %"). */
export function formatPercent(ratio: number | null | undefined, maximumFractionDigits = 0): string {
  if (ratio === null || ratio === undefined || Number.isNaN(ratio)) return '—';
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits }).format(ratio);
}

/** "3 h 12 min", "45 min", "30 s" for a positive duration, in the user's locale. */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const unit = (n: number, u: 'hour' | 'minute' | 'second') =>
    new Intl.NumberFormat(locale(), { style: 'unit', unit: u, unitDisplay: 'narrow' }).format(n);
  if (hours > 0) return `${unit(hours, 'hour')} ${unit(minutes, 'minute')}`;
  if (minutes > 0) return unit(minutes, 'minute');
  return unit(totalSeconds, 'second');
}

export function formatPhone(digits: string | null | undefined): string {
  if (!digits) return '';
  return digits.startsWith('+') ? digits : `+${digits}`;
}
