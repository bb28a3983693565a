import { formatPercent as sharedPercent } from '../../shared/format.ts';

/** A duration in ms as "1h 05m", "4m 10s" or "12s"; a dash when there is none. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** A 0-1 ratio as a percentage with one decimal in the user's locale ("42.5%", "42,5 %"); a dash when undefined. */
export function formatPercent(ratio: number | null | undefined): string {
  return sharedPercent(ratio, 1);
}

function cell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Turns rows into CSV (RFC 4180) with the given columns and saves it as a file. */
export function downloadCsv(filename: string, columns: string[], rows: unknown[][]): void {
  const text = [columns, ...rows].map((r) => r.map(cell).join(',')).join('\r\n');
  const url = URL.createObjectURL(new Blob([`${text}\r\n`], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
