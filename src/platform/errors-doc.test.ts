import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCatalogue } from './errors.ts';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

/** Rows of the table in docs/errors.md: code, HTTP status, retryable, default message. */
function documentedCodes(): Map<string, { status: number; retryable: boolean; message: string }> {
  const rows = new Map<string, { status: number; retryable: boolean; message: string }>();
  for (const line of doc.split('\n')) {
    const match = /^\| `([A-Z0-9_]+)` \| (\d{3}) \| (yes|no) \| (.*?) \|/.exec(line);
    if (!match) continue;
    const [, code, status, retryable, message] = match;
    if (!code || rows.has(code)) throw new Error(`duplicate or empty row for ${code} in docs/errors.md`);
    rows.set(code, { status: Number(status), retryable: retryable === 'yes', message: message ?? '' });
  }
  return rows;
}

describe('docs/errors.md', () => {
  it('lists exactly the codes of the catalogue, with the same status, retryability and message', () => {
    const documented = documentedCodes();
    expect([...documented.keys()].sort()).toEqual(Object.keys(errorCatalogue).sort());
    for (const [code, entry] of Object.entries(errorCatalogue)) {
      expect({ code, ...documented.get(code) }).toEqual({
        code,
        status: entry.status,
        retryable: entry.retryable,
        message: entry.message,
      });
    }
  });
});
