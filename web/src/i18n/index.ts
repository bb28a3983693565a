import i18next, { type TOptions } from 'i18next';
import { initReactI18next } from 'react-i18next';
import {
  DEFAULT_LANGUAGE,
  isLanguage,
  LANGUAGES,
  type Language,
  matchLanguage,
} from '../../../src/platform/languages.ts';

/*
 * The web app's languages (i18next + react-i18next). One catalogue per language and namespace:
 * `locales/<language>/<namespace>.json`, found by the glob below, so adding a namespace or a key
 * never edits a shared file. A module's namespace is its folder name (`modules/inbox` → `inbox`);
 * `common` holds words every screen uses (Save, Cancel), `app` the frame, `errors` the API's error
 * codes. English is the source; `npm run check:i18n` fails when another catalogue misses a key.
 */

export { LANGUAGES, type Language };

/** Each language's name in itself, for the pickers. */
export const LANGUAGE_NAMES: Record<Language, string> = {
  en: 'English',
  es: 'Español',
  'pt-BR': 'Português (Brasil)',
};

type Catalogue = { [key: string]: string | Catalogue };

const files = import.meta.glob<Catalogue>('./locales/*/*.json', { eager: true, import: 'default' });

function resources(): Record<string, Record<string, Catalogue>> {
  const out: Record<string, Record<string, Catalogue>> = {};
  for (const [path, catalogue] of Object.entries(files)) {
    const match = /\.\/locales\/([^/]+)\/([^/]+)\.json$/.exec(path);
    if (!match) continue;
    const [, language, namespace] = match as unknown as [string, string, string];
    out[language] ??= {};
    out[language][namespace] = catalogue;
  }
  return out;
}

const STORAGE_KEY = 'coexist.language';

function storedLanguage(): Language | null {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    return isLanguage(value) ? value : null;
  } catch {
    return null;
  }
}

/** The browser's preferred supported language (`navigator.languages`), else English. */
export function browserLanguage(): Language {
  const nav = globalThis.navigator;
  return matchLanguage(nav?.languages?.length ? nav.languages : [nav?.language]) ?? DEFAULT_LANGUAGE;
}

/** The one i18next instance of the app. */
export const i18n = i18next.createInstance();

void i18n.use(initReactI18next).init({
  resources: resources(),
  lng: storedLanguage() ?? browserLanguage(),
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: [...LANGUAGES],
  load: 'currentOnly',
  defaultNS: 'common',
  fallbackNS: 'common',
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
  react: { useSuspense: false },
});

function applyToDocument(language: string): void {
  if (typeof document !== 'undefined') document.documentElement.lang = language;
}

applyToDocument(i18n.language);
i18n.on('languageChanged', applyToDocument);

/** The current language (one of `LANGUAGES`). */
export function currentLanguage(): Language {
  return isLanguage(i18n.language) ? i18n.language : DEFAULT_LANGUAGE;
}

/**
 * Switches the app to `language`, or to the browser's when `null` (a user who never chose);
 * remembered in this browser so the sign-in page speaks it too.
 */
export function setLanguage(language: Language | null): void {
  const next = language ?? storedLanguage() ?? browserLanguage();
  try {
    if (language) globalThis.localStorage?.setItem(STORAGE_KEY, language);
  } catch {
    // private mode: the choice lasts for this page only
  }
  if (i18n.language !== next) void i18n.changeLanguage(next);
}

/** `t` outside React (helpers, the API client); components use `useTranslation(namespace)`. */
export function translate(key: string, options?: TOptions): string {
  return i18n.t(key, options) as string;
}
