import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ArchiveFixture, startArchiveFixture } from '../testing/archive-fixture.ts';
import { testDialects } from '../testing/databases.ts';
import { logSize } from './archive.queries.ts';
import { makeCheckpoint } from './checkpoint.ts';

describe.each(testDialects)('checkpoints written outside the database (%s)', (dialect) => {
  let f: ArchiveFixture;
  let dir: string;
  afterEach(async () => {
    await f?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes each new checkpoint once to the configured folder and refuses a folder that disagrees', async () => {
    dir = mkdtempSync(join(tmpdir(), 'coexist-checkpoints-'));
    f = await startArchiveFixture(dialect);
    const config = { ...f.h.deps.config, archiveCheckpointDir: dir };
    await f.inbound([f.text('wamid.A', 'one', 1_764_000_000)]);
    await f.archive();
    const first = await makeCheckpoint(f.database.db, { config, now: f.h.clock.now() });
    expect(await makeCheckpoint(f.database.db, { config, now: f.h.clock.now() })).toEqual(first);
    await f.inbound([f.text('wamid.B', 'two', 1_764_000_001)]);
    await f.archive();
    const second = await makeCheckpoint(f.database.db, { config, now: f.h.clock.now() });
    expect(readdirSync(dir).sort()).toEqual([`${first.size}.checkpoint`, `${second.size}.checkpoint`].sort());
    expect(readFileSync(join(dir, `${second.size}.checkpoint`), 'utf8')).toBe(second.note);

    // A folder that holds another checkpoint of the next size (history rewritten elsewhere) stops signing.
    await f.inbound([f.text('wamid.C', 'three', 1_764_000_002)]);
    await f.archive();
    const size = await logSize(f.database.db);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, `${size}.checkpoint`), 'someone.else/archive\n1\nAAAA\n\n— x y\n');
    await expect(makeCheckpoint(f.database.db, { config, now: f.h.clock.now() })).rejects.toThrow(
      /another checkpoint/,
    );
  });
});
