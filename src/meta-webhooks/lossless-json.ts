/**
 * `JSON.parse` that keeps integers too large for a double exactly, as strings. Meta sends ids such
 * as `message_template_id` as bare 16-digit numbers; anything with 16 or more digits is turned into
 * a string before parsing, outside string literals only.
 */
export function parseJsonLossless(text: string): unknown {
  const quoted = quoteLongIntegers(text);
  // PostgreSQL cannot store NUL in text: an escaped NUL becomes U+FFFD, as a decoder would show it.
  return quoted.includes('\\u0000') ? JSON.parse(quoted, withoutNul) : JSON.parse(quoted);
}

function withoutNul(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

const MIN_DIGITS = 16;

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** Wraps integer literals of 16+ digits that sit outside strings in quotes; leaves everything else alone. */
export function quoteLongIntegers(text: string): string {
  let out = '';
  let last = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '"') {
      i++;
      while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (c === '-' || isDigit(c)) {
      const start = i;
      if (c === '-') i++;
      while (isDigit(text[i])) i++;
      const digits = i - start - (c === '-' ? 1 : 0);
      const next = text[i];
      const isInteger = next !== '.' && next !== 'e' && next !== 'E';
      if (isInteger && digits >= MIN_DIGITS) {
        out += `${text.slice(last, start)}"${text.slice(start, i)}"`;
        last = i;
      }
      while (i < n && /[0-9.eE+-]/.test(text[i] as string)) i++;
      continue;
    }
    i++;
  }
  return last === 0 ? text : out + text.slice(last);
}
