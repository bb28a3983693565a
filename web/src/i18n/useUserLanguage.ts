import { useEffect } from 'react';
import type { Language } from './index.ts';
import { setLanguage } from './index.ts';

/** Speaks the signed-in user's language (their setting on the server; the browser's when they never chose). */
export function useUserLanguage(language: Language | null | undefined): void {
  useEffect(() => {
    setLanguage(language ?? null);
  }, [language]);
}
