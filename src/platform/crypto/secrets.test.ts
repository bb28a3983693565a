import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import { afterEach, describe, expect, it } from 'vitest';
import { sealAtRest } from '../../archive/seal-at-rest.ts';
import { confirmMfaEnrolment, mfaSubject, startMfaEnrolment, verifySecondFactor } from '../../auth/mfa.ts';
import { openDatabase } from '../../database.ts';
import { testDialects } from '../../testing/databases.ts';
import { createTestUser } from '../../testing/seed.ts';
import { buildTestApp, type TestApp } from '../../testing/test-app.ts';
import { generateMasterKey, parseMasterKeys } from './envelope.ts';
import { MASTER_KEY_FILE, masterKeyringOf } from './keyring.ts';
import { forgetSecret, isSealed, openSecret, SecretUnavailableError, sealSecret } from './secrets.ts';

const mode = (path: string) => statSync(path).mode & 0o777;

describe.each(testDialects)('secrets at rest (%s)', (dialect) => {
  let t: TestApp;
  afterEach(async () => t?.close());

  it('stores TOTP secrets sealed, seals plaintext ones left from before, and still verifies codes', async () => {
    const masterKeys = generateMasterKey('k1');
    t = await buildTestApp(dialect, { env: { COEXIST_MASTER_KEYS: masterKeys } });
    const keyring = parseMasterKeys(masterKeys);
    const db = t.db;
    const user = await createTestUser(t.deps, { role: 'agent' });
    const enrolment = await startMfaEnrolment(db, { id: user.id, email: user.email }, t.clock.now(), keyring);
    const pending = await db
      .selectFrom('users')
      .select('mfa_pending_secret')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(isSealed(pending.mfa_pending_secret!)).toBe(true);
    expect(pending.mfa_pending_secret).not.toContain(enrolment.secret);
    const code = () => generate({ secret: enrolment.secret, epoch: Math.floor(t.clock.now() / 1000) });
    await confirmMfaEnrolment(db, { userId: user.id, code: await code(), now: t.clock.now(), keyring });
    const row = await db.selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(isSealed(row.mfa_secret!)).toBe(true);
    expect(row.mfa_secret).not.toContain(enrolment.secret);
    t.clock.advance(60_000);
    expect(await verifySecondFactor(db, { user: row, code: await code(), now: t.clock.now(), keyring })).toBe(
      true,
    );

    // A plaintext secret from before encryption: read as is, then sealed by the data migration job.
    await db
      .updateTable('users')
      .set({ mfa_secret: enrolment.secret, mfa_last_step: null })
      .where('id', '=', user.id)
      .execute();
    expect(await sealAtRest(db, keyring)).toMatchObject({ secrets: 1 });
    expect(await sealAtRest(db, keyring)).toMatchObject({ secrets: 0 });
    const sealed = await db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(isSealed(sealed.mfa_secret!)).toBe(true);
    expect(await openSecret(db, keyring, mfaSubject(user.id), sealed.mfa_secret!)).toBe(enrolment.secret);
    t.clock.advance(60_000);
    expect(
      await verifySecondFactor(db, { user: sealed, code: await code(), now: t.clock.now(), keyring }),
    ).toBe(true);

    // Another feature's secret (an AI key): sealed, opened, shredded.
    const stored = await sealSecret(db, keyring, 'ai-key:1', 'sk-test-123');
    expect(stored).not.toContain('sk-test');
    expect(await openSecret(db, keyring, 'ai-key:1', stored)).toBe('sk-test-123');
    await forgetSecret(db, keyring, 'ai-key:1', t.clock.now());
    await expect(openSecret(db, keyring, 'ai-key:1', stored)).rejects.toThrow(SecretUnavailableError);
  });
});

describe('files at rest', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('creates the data folder 0700, the SQLite file and its WAL 0600, and the master key file 0600', async () => {
    const root = mkdtempSync(join(tmpdir(), 'coexist-perm-'));
    dirs.push(root);
    const dataDir = join(root, 'data');
    const database = openDatabase(`sqlite:${join(dataDir, 'coexist.db')}`);
    await database.db
      .selectFrom('sqlite_master' as never)
      .selectAll()
      .execute();
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, 'coexist.db'))).toBe(0o600);
    expect(mode(join(dataDir, 'coexist.db-wal'))).toBe(0o600);
    await database.close();

    const keyring = masterKeyringOf({ masterKeys: undefined, dataDir });
    expect(mode(join(dataDir, MASTER_KEY_FILE))).toBe(0o600);
    // Read back, the same key (a second process would use it too).
    expect(readFileSync(join(dataDir, MASTER_KEY_FILE), 'utf8')).toContain(
      keyring.current.key.toString('base64'),
    );
    const fresh = join(root, 'other');
    masterKeyringOf({ masterKeys: undefined, dataDir: fresh });
    expect(mode(fresh)).toBe(0o700);
  });
});
