import { generate, generateSecret } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../auth/passwords.ts';
import { ACCOUNT_FAILURE_LIMIT, THROTTLE_WINDOW_MS } from '../auth/throttle.ts';
import { testDialects } from '../testing/databases.ts';
import { createTestUser, PASSWORD, seedInbox, type TestUser } from '../testing/seed.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';

/** Changing one's own password or removing one's own MFA needs the current secrets on every route. */
describe.each(testDialects)('own credentials through PATCH /api/users/:id on %s', (dialect) => {
  let h: TestApp;
  let admin: TestUser;
  const secret = generateSecret();
  const totp = () => generate({ secret, epoch: Math.floor(h.clock.now() / 1000) });
  const patchSelf = (payload: object, user: TestUser = admin) =>
    h.app.inject({
      method: 'PATCH',
      url: `/api/users/${user.id}`,
      headers: { authorization: `Bearer ${user.token}` },
      payload,
      remoteAddress: '10.1.1.1',
    });
  const hashOf = async (id: string) =>
    (await h.db.selectFrom('users').select('password_hash').where('id', '=', id).executeTakeFirstOrThrow())
      .password_hash;
  const mfaOn = async (id: string) =>
    (await h.db.selectFrom('users').select('mfa_enabled_at').where('id', '=', id).executeTakeFirstOrThrow())
      .mfa_enabled_at !== null;

  beforeAll(async () => {
    h = await buildTestApp(dialect);
    await seedInbox(h.deps);
    admin = await createTestUser(h.deps, { role: 'admin', wabaIds: null });
    await h.db
      .updateTable('users')
      .set({ mfa_secret: secret, mfa_enabled_at: h.clock.now() })
      .where('id', '=', admin.id)
      .execute();
  });
  afterAll(async () => h.close());

  it('refuses a new password for oneself without the current one, and with a wrong one', async () => {
    const bare = await patchSelf({ password: 'a brand new password' });
    expect(bare.statusCode).toBe(403);
    expect(bare.json().error).toMatchObject({
      code: 'REAUTHENTICATION_REQUIRED',
      details: { missing: ['current_password'] },
    });
    const wrong = await patchSelf({ password: 'a brand new password', current_password: 'not my password' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe('PASSWORD_INCORRECT');
    expect(await verifyPassword(await hashOf(admin.id), PASSWORD)).toBe(true);

    const right = await patchSelf({ password: 'a brand new password', current_password: PASSWORD });
    expect(right.statusCode, right.body).toBe(200);
    expect(await verifyPassword(await hashOf(admin.id), 'a brand new password')).toBe(true);
    // Put it back for the other tests.
    expect(
      (await patchSelf({ password: PASSWORD, current_password: 'a brand new password' })).statusCode,
    ).toBe(200);
  });

  it("refuses to reset one's own MFA without the password and a current code", async () => {
    const bare = await patchSelf({ reset_mfa: true });
    expect(bare.json().error).toMatchObject({
      code: 'REAUTHENTICATION_REQUIRED',
      details: { missing: ['current_password', 'code'] },
    });
    const noCode = await patchSelf({ reset_mfa: true, current_password: PASSWORD });
    expect(noCode.json().error).toMatchObject({
      code: 'REAUTHENTICATION_REQUIRED',
      details: { missing: ['code'] },
    });
    const badCode = await patchSelf({ reset_mfa: true, current_password: PASSWORD, code: '000000' });
    expect(badCode.json().error.code).toBe('MFA_INVALID');
    expect(await mfaOn(admin.id)).toBe(true);

    const ok = await patchSelf({ reset_mfa: true, current_password: PASSWORD, code: await totp() });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(await mfaOn(admin.id)).toBe(false);
  });

  it('throttles guessing the current password through PATCH /api/users/:id, with Retry-After', async () => {
    const other = await createTestUser(h.deps, { role: 'owner' });
    const answers = [];
    for (let i = 0; i < ACCOUNT_FAILURE_LIMIT + 1; i++) {
      answers.push(
        await patchSelf({ password: 'a brand new password', current_password: `guess ${i}` }, other),
      );
    }
    expect(answers.slice(0, ACCOUNT_FAILURE_LIMIT).map((a) => a.json().error.code)).toEqual(
      Array(ACCOUNT_FAILURE_LIMIT).fill('PASSWORD_INCORRECT'),
    );
    const locked = answers[ACCOUNT_FAILURE_LIMIT]!;
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('LOGIN_THROTTLED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    h.clock.advance(THROTTLE_WINDOW_MS);
  });

  it("still lets an admin reset another user's password and MFA without their secrets", async () => {
    const agent = await createTestUser(h.deps, { role: 'agent' });
    const res = await h.app.inject({
      method: 'PATCH',
      url: `/api/users/${agent.id}`,
      headers: { authorization: `Bearer ${admin.token}` },
      payload: { password: 'set by the admin!', reset_mfa: true },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await verifyPassword(await hashOf(agent.id), 'set by the admin!')).toBe(true);
  });
});
