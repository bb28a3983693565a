import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { generateSigner, signNote } from '../src/archive/signed-note.ts';
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
    // Six fresh Node processes.
  }, 120_000);
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
  it('`coexist audit verify` exits 1 naming the place of each tamper, and 0 once it is undone', async () => {
    dir = mkdtempSync(join(tmpdir(), 'coexist-audit-'));
    f = await startArchiveFixture(dialect);
    await f.inbound([f.text('wamid.A', 'one', TS), f.text('wamid.B', 'two', TS + 1)]);
    await f.inbound([
      f.edit('wamid.E', 'wamid.B', 'two, edited', TS + 2),
      f.text('wamid.C', 'three', TS + 3),
    ]);
    await f.archive();
    const cp = await f.checkpoint();
    const db = f.database.db;
    const entries = await db
      .selectFrom('archive_entries')
      .selectAll()
      .where('idx', 'in', [1, 2])
      .orderBy('idx')
      .execute();
    const [one, two] = [entries[0]!, entries[1]!];
    const a = await db
      .selectFrom('messages')
      .selectAll()
      .where('wamid', '=', 'wamid.A')
      .executeTakeFirstOrThrow();
    const failsWith = async (expected: RegExp) => {
      const out = await coexist('verify');
      expect(out.code).toBe(1);
      expect(out.stdout).toMatch(expected);
    };

    // One byte changed in an entry.
    const changed = two.entry.replace(/"at":(\d)/, (_, d: string) => `"at":${(Number(d) + 1) % 10}`);
    await db.updateTable('archive_entries').set({ entry: changed }).where('idx', '=', 2).execute();
    await failsWith(/^FAILED: entry 2 was altered/m);
    await db.updateTable('archive_entries').set({ entry: two.entry }).where('idx', '=', 2).execute();

    // A message's text changed in the live table.
    await db
      .updateTable('messages')
      .set({ content_json: '{"body":"forged"}' })
      .where('id', '=', a.id)
      .execute();
    await failsWith(
      new RegExp(`^FAILED: message ${a.id}'s current content differs from its newest archive entry`, 'm'),
    );
    await db.updateTable('messages').set({ content_json: a.content_json }).where('id', '=', a.id).execute();

    // An entry deleted.
    await db.deleteFrom('archive_entries').where('idx', '=', 1).execute();
    await failsWith(/^FAILED: entry 1 is missing \(next stored entry is 2\)/m);
    await db.insertInto('archive_entries').values(one).execute();

    // Two entries swapped.
    await db.deleteFrom('archive_entries').where('idx', 'in', [1, 2]).execute();
    await db
      .insertInto('archive_entries')
      .values([
        { ...two, idx: 1 },
        { ...one, idx: 2 },
      ])
      .execute();
    await failsWith(/^FAILED: entry 1 says it is entry 2/m);
    await db.deleteFrom('archive_entries').where('idx', 'in', [1, 2]).execute();
    await db.insertInto('archive_entries').values([one, two]).execute();

    // A checkpoint replaced by one signed with another key.
    const other = generateSigner(f.h.deps.config.archiveOrigin).signer;
    const text = cp.note.slice(0, cp.note.lastIndexOf('\n\n') + 1);
    await db
      .updateTable('archive_checkpoints')
      .set({ note: signNote(text, other) })
      .where('size', '=', cp.size)
      .execute();
    await failsWith(new RegExp(`^FAILED: checkpoint ${cp.size} is not signed by the archive key`, 'm'));
    await db.updateTable('archive_checkpoints').set({ note: cp.note }).where('size', '=', cp.size).execute();

    // A message row without an entry.
    await db
      .insertInto('messages')
      .values({ ...a, id: 'm-smuggled', wamid: 'wamid.SMUGGLED', seq: undefined } as never)
      .execute();
    await failsWith(/^FAILED: message m-smuggled has no archive entry/m);
    await db.deleteFrom('messages').where('id', '=', 'm-smuggled').execute();

    expect(await coexist('verify')).toMatchObject({ code: 0 });
    // Seven fresh Node processes.
  }, 240_000);
});
