/** Formatting helpers shared by every screen. */

export function parseTime(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') return value;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : parsed;
}

export function formatClock(value: string | null | undefined): string {
  const at = parseTime(value);
  if (at === null) return '';
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** "14:05" today, "Mon" this week, "12 Mar" otherwise. */
export function formatListTime(value: string | null | undefined, now = Date.now()): string {
  const at = parseTime(value);
  if (at === null) return '';
  const date = new Date(at);
  const today = new Date(now);
  if (date.toDateString() === today.toDateString()) return formatClock(value);
  if (now - at < 6 * 86_400_000) return date.toLocaleDateString([], { weekday: 'short' });
  return date.toLocaleDateString([], { day: 'numeric', month: 'short' });
}

export function formatDateTime(value: string | null | undefined): string {
  const at = parseTime(value);
  if (at === null) return '—';
  return new Date(at).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
}

/** "3h 12m", "45m", "30s" for a positive duration. */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m`;
  return `${totalSeconds}s`;
}

export function formatPhone(digits: string | null | undefined): string {
  if (!digits) return '';
  return digits.startsWith('+') ? digits : `+${digits}`;
}
