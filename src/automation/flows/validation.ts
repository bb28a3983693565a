/**
 * Checks of an ask step's answer. Each returns the value to save (normalised) or null when the
 * answer is not valid. Pure, so the live runner and the test panel agree.
 */

/** Lower case, no accents, single spaces: how answers, choices and keywords are compared. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

export function validNumber(text: string): string | null {
  const t = text.trim().replace(/\s/g, '');
  if (!/^[-+]?\d+([.,]\d+)?$/.test(t)) return null;
  return String(Number(t.replace(',', '.')));
}

export function validEmail(text: string): string | null {
  const t = text.trim();
  return EMAIL.test(t) && t.length <= 254 ? t.toLowerCase() : null;
}

/** 7 to 15 digits, spaces, dots, dashes and brackets allowed; kept as `+digits` or `digits`. */
export function validPhone(text: string): string | null {
  const t = text.trim();
  if (!/^\+?[\d\s().-]+$/.test(t)) return null;
  const digits = t.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return null;
  return t.startsWith('+') ? `+${digits}` : digits;
}

function isoDate(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** `2026-03-31`, or day first as Spanish and Portuguese write it: `31/03/2026`, `31-3-2026`, `31.03.2026`. */
export function validDate(text: string): string | null {
  const t = text.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (iso) return isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
  if (dmy) return isoDate(Number(dmy[3]), Number(dmy[2]), Number(dmy[1]));
  return null;
}

/** A choice: the answer (or the tapped button's id or title) against the options, folded. */
export function validChoice(
  answer: { text: string; replyId: string | null },
  options: readonly { value: string; labels: readonly string[] }[],
): string | null {
  const candidates = [answer.replyId, answer.text].filter((x): x is string => !!x).map(fold);
  for (const option of options) {
    const labels = [option.value, ...option.labels].map(fold);
    if (candidates.some((c) => labels.includes(c))) return option.value;
  }
  // "2" picks the second option, as people answer numbered menus.
  const index = /^\d{1,2}$/.test(answer.text.trim()) ? Number(answer.text.trim()) - 1 : -1;
  return index >= 0 && index < options.length ? options[index]!.value : null;
}
