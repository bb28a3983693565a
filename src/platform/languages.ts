/**
 * The languages the hub and its web app speak. Dependency-free: the web app imports it as a value.
 * A tag is stored and sent as written here (BCP 47).
 */
export const LANGUAGES = ['en', 'es', 'pt-BR'] as const;

export type Language = (typeof LANGUAGES)[number];

export const DEFAULT_LANGUAGE: Language = 'en';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * The supported language closest to a BCP 47 tag or a list of them (a browser's
 * `navigator.languages`, a contact's `es_MX` from Meta), or `null` when none is close.
 * Any Portuguese is `pt-BR`, any Spanish `es`, any English `en`.
 */
export function matchLanguage(tags: string | readonly (string | null | undefined)[]): Language | null {
  for (const raw of typeof tags === 'string' ? [tags] : tags) {
    if (!raw) continue;
    const tag = raw.trim().replace(/_/g, '-').toLowerCase();
    const exact = LANGUAGES.find((l) => l.toLowerCase() === tag);
    if (exact) return exact;
    const base = tag.split('-')[0];
    if (base === 'pt') return 'pt-BR';
    const byBase = LANGUAGES.find((l) => l.toLowerCase() === base);
    if (byBase) return byBase;
  }
  return null;
}
