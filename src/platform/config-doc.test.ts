import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const source = readFileSync(new URL('./config.ts', import.meta.url), 'utf8');
const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');

/** The keys of the Zod object `configSchema` in config.ts, in order. */
function schemaVariables(): string[] {
  const start = source.indexOf('const configSchema = z.object({');
  const end = source.indexOf('\n});', start);
  if (start < 0 || end < 0) throw new Error('configSchema not found in config.ts');
  return [...source.slice(start, end).matchAll(/^ {2}([A-Z][A-Z0-9_]*): z/gm)].map((m) => m[1] ?? '');
}

function documentedVariables(): string[] {
  return [...doc.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1] ?? '');
}

describe('docs/configuration.md', () => {
  it('documents exactly the environment variables config.ts reads', () => {
    const variables = schemaVariables();
    expect(variables.length).toBeGreaterThan(5);
    expect(documentedVariables().sort()).toEqual([...variables].sort());
  });
});
