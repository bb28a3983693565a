import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../src/testing/databases.ts';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../bin/coexist.mjs', import.meta.url));

/** Account and token administration from the shell is in the security log too, without secrets. */
describe.each(testDialects)('the CLI writes the security log on %s', (dialect) => {
  let database: TestDatabase;
  const coexist = (...args: string[]) =>
    run(process.execPath, [bin, ...args], {
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        META_APP_SECRET: 'sandbox-app-secret',
        META_VERIFY_TOKEN: 'sandbox-verify-token',
        LOG_LEVEL: 'silent',
      },
    });

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterAll(async () => database.destroy());

  it('records users create, set-password, reset-mfa and tokens create', async () => {
    const created = await coexist(
      'users',
      'create',
      '--email',
      'ops@example.test',
      '--name',
      'Ops',
      '--role',
      'admin',
    );
    const password = /password: (\S+)/.exec(created.stdout)?.[1];
    const reset = await coexist('users', 'set-password', '--email', 'ops@example.test');
    const newPassword = /password: (\S+)/.exec(reset.stdout)?.[1];
    await coexist('users', 'reset-mfa', '--email', 'ops@example.test');
    const token = (await coexist('tokens', 'create', '--name', 'ci', '--role', 'agent')).stdout.trim();

    const rows = await database.db.selectFrom('security_log').selectAll().orderBy('id').execute();
    const user = await database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'ops@example.test')
      .executeTakeFirstOrThrow();
    const tokenRow = await database.db
      .selectFrom('api_tokens')
      .select('id')
      .where('name', '=', 'ci')
      .executeTakeFirstOrThrow();
    expect(rows.map((r) => ({ kind: r.kind, user: r.target_user_id, token: r.target_token_id }))).toEqual([
      { kind: 'user.created', user: user.id, token: null },
      { kind: 'password.reset', user: user.id, token: null },
      { kind: 'mfa.reset', user: user.id, token: null },
      { kind: 'token.created', user: null, token: tokenRow.id },
    ]);
    for (const r of rows) expect(JSON.parse(r.details_json)).toMatchObject({ via: 'cli' });
    const all = JSON.stringify(rows);
    for (const secret of [password, newPassword, token]) {
      expect(secret).toBeTruthy();
      expect(all).not.toContain(secret);
    }
    // Four processes of the CLI, each opening the database and migrating it: slow on a busy machine.
  }, 180_000);
});
