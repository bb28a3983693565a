import { createHash } from 'node:crypto';

/*
 * Reading Meta's JSON leniently. Private to the parser: past `parse/`, the hub sees its own types.
 */

/** A JSON object as received. */
export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A string, or a finite number as a string (Meta sends ids both ways); otherwise null. */
export function str(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

export function objects(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

export function objectOr(v: unknown): Json {
  return isObject(v) ? v : {};
}

/** Meta's Unix-seconds timestamps (string or number) as ms; null when absent or not a number. */
export function secondsToMs(v: unknown): number | null {
  const s = str(v);
  if (s === null || !/^\d+(\.\d+)?$/.test(s.trim())) return null;
  return Math.round(Number(s) * 1000);
}

/** JSON text of an object, or null when it is not one. */
export function objectJson(v: unknown): string | null {
  return isObject(v) ? JSON.stringify(v) : null;
}

/** JSON text of a non-empty array, or null. */
export function listJson(v: unknown): string | null {
  return Array.isArray(v) && v.length > 0 ? JSON.stringify(v) : null;
}

/** JSON with sorted keys, so equal objects hash equally. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
