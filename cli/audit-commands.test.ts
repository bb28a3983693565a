import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { type ArchiveFixture, startArchiveFixture } from '../src/testing/archive-fixture.ts';
import { testDialects } from '../src/testing/databases.ts';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../bin/coexist.mjs', import.meta.url));
const TS = 1_764_000_000;

describe.each(testDialects)('coexist audit on %s', (dialect) => {
  let f: ArchiveFixture;
  let dir: string;
  afterEach(async () => {
    await f?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const coexist = async (...args: string[]) => {
    const env = {
      ...process.env,
      DATABASE_URL: f.database.url,
      META_APP_SECRET: 'sandbox-app-secret',
      META_VERIFY_TOKEN: 'sandbox-verify-token',
      LOG_LEVEL: 'silent',
    };
    try {
      const { stdout } = await run(process.execPath, [bin, 'audit', ...args], { env });
      return { code: 0, stdout };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout + e.stderr };
    }
  };

  it('verifies, exports and checks the export offline; names a tampered message and rejects an altered bundle', async () => {
    dir = mkdtempSync(join(tmpdir(), 'coexist-audit-'));
    f = await startArchiveFixture(dialect);
    await f.inbound([f.text('wamid.A', 'hello', TS), f.text('wamid.B', 'world', TS + 1)]);
    await f.archive();

    const key = await coexist('key');
    expect(key.stdout).toMatch(/^coexist\.localhost\/archive\+[0-9a-f]{8}\+\S+\n$/);
    const ok = await coexist('verify', '--key', key.stdout.trim());
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toMatch(/^OK: \d+ entries, \d+ checkpoints, 2 messages\n$/);

    const bundle = join(dir, 'bundle.jsonl');
    expect((await coexist('export', '--out', bundle)).code).toBe(0);
    expect(await coexist('verify-export', bundle, '--key', key.stdout.trim())).toMatchObject({ code: 0 });
    const bytes = readFileSync(bundle);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = bytes[middle]! ^ 0x01;
    writeFileSync(bundle, bytes);
    const altered = await coexist('verify-export', bundle);
    expect(altered.code).toBe(1);
    expect(altered.stdout).toMatch(/^FAILED: line \d+: /);

    const a = await f.database.db
      .selectFrom('messages')
      .select('id')
      .where('wamid', '=', 'wamid.A')
      .executeTakeFirstOrThrow();
    await f.database.db
      .updateTable('messages')
      .set({ content_json: '{"body":"goodbye"}' })
      .where('id', '=', a.id)
      .execute();
    const bad = await coexist('verify');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(
      `FAILED: message ${a.id}'s current content differs from its newest archive entry`,
    );
  });
  it('erases a contact from the command line, refusing while a legal hold covers it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'coexist-audit-'));
    f = await startArchiveFixture(dialect);
    await f.inbound([f.text('wamid.A', 'erase me please', TS)]);
    await f.archive();
    const db = f.database.db;
    const contact = await db.selectFrom('contacts').select(['id', 'wa_id']).executeTakeFirstOrThrow();
    await db
      .insertInto('archive_holds')
      .values({
        id: 'hold-1',
        scope: 'contact',
        target_id: contact.id,
        reason: 'Case 9',
        created_by: null,
        created_at: 1,
        released_at: null,
        released_by: null,
        release_reason: null,
      })
      .execute();
    const args = ['erase', contact.id, '--reason', 'GDPR 17', '--confirm', contact.wa_id!];
    const blocked = await coexist(...args);
    expect(blocked.code).toBe(3);
    expect(blocked.stdout).toMatch(/^LEGAL_HOLD_ACTIVE: A legal hold on this contact/);
    await db.updateTable('archive_holds').set({ released_at: 2 }).execute();
    const done = await coexist(...args);
    expect(done).toMatchObject({ code: 0 });
    expect(done.stdout).toMatch(/^erased contact .+: 1 messages, 1 conversations/);
    expect(await db.selectFrom('messages').select('id').execute()).toEqual([]);
    expect(await coexist('verify')).toMatchObject({ code: 0 });
    // Each command is a fresh Node process (about 4 s of CPU): more time than the default.
  }, 120_000);
});
