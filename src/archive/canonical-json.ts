/**
 * RFC 8785 JSON Canonicalization Scheme (JCS) for the values the archive writes: objects with keys
 * sorted by UTF-16 code units, no whitespace, strings and numbers serialised as ECMAScript's
 * `JSON.stringify` does (which is what RFC 8785 specifies for them). Non-finite numbers,
 * `undefined`, functions and other non-JSON values are refused rather than silently dropped.
 */
export function canonicalize(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no non-finite numbers');
      // -0 serialises as 0 (RFC 8785 §3.2.2.3), which JSON.stringify already does.
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => canonicalize(v)).join(',')}]`;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalize(record[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonical JSON cannot represent a ${typeof value}`);
  }
}
