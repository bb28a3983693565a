#!/usr/bin/env node
// Runs bench/<name>.ts through tsx: `node bin/bench.mjs sandbox`.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const name = process.argv[2];
const file = name ? join(root, 'bench', `${name}.ts`) : null;
if (!file || !existsSync(file)) {
  const available = existsSync(join(root, 'bench'))
    ? readdirSync(join(root, 'bench'))
        .filter((f) => f.endsWith('.ts'))
        .map((f) => f.slice(0, -3))
    : [];
  process.stderr.write(`usage: node bin/bench.mjs <name>  (available: ${available.join(', ') || 'none'})\n`);
  process.exit(2);
}
register();
await import(file);
