import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/** Builds the web inbox once, so the hub under test serves exactly what `npm start` serves. */
export default async function setup(): Promise<void> {
  await build({
    configFile: fileURLToPath(new URL('../web/vite.config.ts', import.meta.url)),
    logLevel: 'warn',
  });
}
