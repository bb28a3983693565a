/** An integer-millisecond time as an ISO-8601 string. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** An integer-millisecond time as an ISO-8601 string, or `null`. */
export function isoOrNull(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}
