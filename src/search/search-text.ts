/**
 * The text side of search, shared by both databases: how a query is cut into terms, and how the
 * matching words of a result are marked. A term matches a word that starts with it, ignoring case
 * and accents (the same folding as SQLite's `unicode61 remove_diacritics 2` and PostgreSQL's
 * `unaccent`), so "jose" finds "José" and "joséf" as you type.
 */

/** Most terms of one query, and longest term; longer input is cut, not refused. */
export const MAX_TERMS = 8;
const MAX_TERM_LENGTH = 64;

const WORD = /[\p{L}\p{N}]+/gu;

/** Lower case without diacritics ("Ação" → "acao"). */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The distinct folded terms of a query, in order; empty when it has no letter or digit. */
export function searchTerms(query: string): string[] {
  const out: string[] = [];
  for (const m of fold(query).matchAll(WORD)) {
    const term = m[0].slice(0, MAX_TERM_LENGTH);
    if (!out.includes(term)) out.push(term);
    if (out.length === MAX_TERMS) break;
  }
  return out;
}

/** A piece of a result's text; `match` marks a word the query found. */
export type Segment = { text: string; match: boolean };

/**
 * Splits `text` into segments with the words that start with a term marked, keeping the original
 * spelling. With `around`, the text is cut to about that many characters around the first match
 * (an ellipsis where it was cut), for a one-line snippet.
 */
export function highlight(text: string, terms: readonly string[], around?: number): Segment[] {
  const marks: [number, number][] = [];
  for (const m of text.matchAll(WORD)) {
    const word = fold(m[0]);
    if (terms.some((t) => word.startsWith(t))) marks.push([m.index, m.index + m[0].length]);
  }
  let start = 0;
  let end = text.length;
  if (around !== undefined && text.length > around) {
    const first = marks[0]?.[0] ?? 0;
    start = Math.max(0, first - Math.floor(around / 3));
    end = Math.min(text.length, start + around);
    start = Math.max(0, Math.min(start, end - around));
  }
  const out: Segment[] = [];
  const push = (s: string, match: boolean) => {
    if (s.length === 0) return;
    const last = out[out.length - 1];
    if (last && last.match === match) last.text += s;
    else out.push({ text: s, match });
  };
  if (start > 0) push('…', false);
  let at = start;
  for (const [a, b] of marks) {
    if (b <= start || a >= end) continue;
    push(text.slice(at, Math.max(at, a)), false);
    push(text.slice(Math.max(at, a), Math.min(b, end)), true);
    at = Math.min(b, end);
  }
  push(text.slice(at, end), false);
  if (end < text.length) push('…', false);
  return out;
}

/** FTS5 MATCH expression: every term as a quoted prefix (terms are letters and digits only). */
export function ftsMatch(terms: readonly string[]): string {
  return terms.map((t) => `"${t}"*`).join(' ');
}

/** PostgreSQL `to_tsquery` text: every term as a prefix, all required. */
export function tsQuery(terms: readonly string[]): string {
  return terms.map((t) => `${t}:*`).join(' & ');
}
