import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ArchiveFixture, startArchiveFixture } from '../testing/archive-fixture.ts';
import { testDialects } from '../testing/databases.ts';
import { writeBundle } from './export-bundle.ts';
import { generateSigner } from './signed-note.ts';
import { verifyBundle } from './verify-bundle.ts';

const PYTHON_VERIFIER = new URL('./verify_bundle.py', import.meta.url).pathname;
const TS = 1_764_000_000;

/** Runs the independent Python verifier; returns its exit code and first line. */
function python(bundle: string | Buffer): { code: number; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'coexist-bundle-'));
  const file = join(dir, 'bundle.jsonl');
  writeFileSync(file, bundle);
  try {
    return { code: 0, out: execFileSync('python3', [PYTHON_VERIFIER, file], { encoding: 'utf8' }).trim() };
  } catch (error) {
    const e = error as { status: number; stdout: string };
    return { code: e.status, out: String(e.stdout).trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.each(testDialects)('archive export bundles (%s)', (dialect) => {
  let f: ArchiveFixture;
  afterEach(async () => {
    await f?.close();
  });

  async function bundle() {
    f = await startArchiveFixture(dialect);
    await f.inbound([f.text('wamid.A', 'first', TS), f.text('wamid.B', 'second', TS + 1)]);
    await f.inbound([f.edit('wamid.E1', 'wamid.B', 'second, edited', TS + 10)]);
    await f.archive();
    return writeBundle(f.database.db, {
      config: f.h.deps.config,
      filter: {},
      now: f.h.clock.now(),
      actor: null,
    });
  }

  it('verifies offline and with the independent Python verifier, and records the export as an entry', async () => {
    const { text, entries, size } = await bundle();
    expect(entries).toBe(size);
    expect(verifyBundle(text)).toEqual({ ok: true, entries, treeSize: size, problems: [] });
    expect(python(text)).toEqual({ code: 0, out: 'OK' });
    const last = await f.database.db
      .selectFrom('archive_entries')
      .select('type')
      .where('idx', '=', size)
      .executeTakeFirstOrThrow();
    expect(last.type).toBe('audit.exported');
    // The bundle reveals the content of each version, which its committed hash proves.
    expect(text).toContain('second, edited');
  });

  it('rejects the bundle with any one byte altered, in both verifiers', async () => {
    const { text } = await bundle();
    const bytes = Buffer.from(text, 'utf8');
    const positions = Array.from({ length: 60 }, (_, i) => Math.floor((i * (bytes.length - 1)) / 59));
    let checkedByPython = 0;
    for (const at of positions) {
      const altered = Buffer.from(bytes);
      altered[at] = altered[at] === 0x41 ? 0x42 : 0x41;
      const report = verifyBundle(altered.toString('utf8'));
      expect(report.ok, `byte ${at} altered`).toBe(false);
      if (at % 7 === 0 || checkedByPython < 8) {
        checkedByPython++;
        expect(python(altered).code, `byte ${at} (Python)`).not.toBe(0);
      }
    }
  });

  it('rejects a bundle signed by a key other than the trusted one', async () => {
    const { text } = await bundle();
    const stranger = generateSigner(f.h.deps.config.archiveOrigin).signer;
    expect(verifyBundle(text, stranger).problems).toEqual([
      'line 1: the bundle is not signed by the trusted key',
    ]);
  });
});
