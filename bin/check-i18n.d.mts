/** Every problem of the web app's catalogues under `root` (default: this repository); none = complete. */
export function checkI18n(root?: string): string[];

/** Each place in one .tsx file's source where a person reads text that is not translated. */
export function hardCodedText(text: string, fileName?: string): { line: number; text: string }[];

/** Files that still show hard-coded text, with how many places (only shrinks). */
export const KNOWN_HARD_CODED: Record<string, number>;
