/** Every problem of the web app's catalogues under `root` (default: this repository); none = complete. */
export function checkI18n(root?: string): string[];
