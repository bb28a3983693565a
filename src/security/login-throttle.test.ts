import { generate, generateSecret } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAIN_HTTP_DEVICE_COOKIE } from '../auth/device-cookie.ts';
import { ACCOUNT_FAILURE_LIMIT, IP_FAILURE_LIMIT, THROTTLE_WINDOW_MS } from '../auth/throttle.ts';
import { cookiesFrom } from '../testing/accounts.ts';
import { testDialects } from '../testing/databases.ts';
import { createTestUser, PASSWORD, seedInbox } from '../testing/seed.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';

/** A stranger who knows an email cannot lock its owner out: the password with a valid code still opens. */
describe.each(testDialects)('login throttling against lock-out on %s', (dialect) => {
  let h: TestApp;
  let ip = 1;
  const nextIp = () => `10.7.0.${ip++}`;
  const login = (body: Record<string, unknown>, remoteAddress = nextIp(), cookie?: string) =>
    h.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: body,
      remoteAddress,
      ...(cookie ? { headers: { cookie } } : {}),
    });
  const totp = (secret: string) => generate({ secret, epoch: Math.floor(h.clock.now() / 1000) });

  async function ownerWithMfa(): Promise<{ email: string; secret: string }> {
    const owner = await createTestUser(h.deps, { role: 'owner' });
    const secret = generateSecret();
    await h.db
      .updateTable('users')
      .set({ mfa_secret: secret, mfa_enabled_at: h.clock.now() })
      .where('id', '=', owner.id)
      .execute();
    return { email: owner.email, secret };
  }

  async function strangerLocks(email: string): Promise<void> {
    for (let i = 0; i < ACCOUNT_FAILURE_LIMIT + 3; i++) {
      await login({ email, password: `guess ${i}` });
    }
  }

  beforeAll(async () => {
    h = await buildTestApp(dialect);
    await seedInbox(h.deps);
  });
  afterAll(async () => h.close());

  it('lets the right password with a valid code through a lock a stranger caused', async () => {
    const { email, secret } = await ownerWithMfa();
    await strangerLocks(email);
    const passwordOnly = await login({ email, password: PASSWORD });
    expect(passwordOnly.statusCode).toBe(429);
    const ok = await login({ email, password: PASSWORD, code: await totp(secret) });
    expect(ok.statusCode, ok.body).toBe(200);
    // The stranger keeps at it: the owner still gets in, every time.
    await strangerLocks(email);
    h.clock.advance(30_000);
    expect((await login({ email, password: PASSWORD, code: await totp(secret) })).statusCode).toBe(200);
  });

  it('tells nothing while locked: a wrong code or a wrong password both answer 429', async () => {
    const { email, secret } = await ownerWithMfa();
    await strangerLocks(email);
    const wrongCode = await login({ email, password: PASSWORD, code: '000000' });
    expect(wrongCode.statusCode).toBe(429);
    expect(wrongCode.json().error.code).toBe('LOGIN_THROTTLED');
    h.clock.advance(30_000);
    const wrongPassword = await login({ email, password: 'not the password', code: await totp(secret) });
    expect(wrongPassword.statusCode).toBe(429);
    expect(wrongPassword.json().error.code).toBe('LOGIN_THROTTLED');
    h.clock.advance(THROTTLE_WINDOW_MS);
  });

  it('lets a user without MFA in from a browser they signed in on before, however often a stranger locks the account', async () => {
    const agent = await createTestUser(h.deps, { role: 'agent' });
    const first = await login({ email: agent.email, password: PASSWORD });
    expect(first.statusCode, first.body).toBe(200);
    const device = cookiesFrom(first.headers)[PLAIN_HTTP_DEVICE_COOKIE];
    expect(device).toBeTruthy();
    const known = `${PLAIN_HTTP_DEVICE_COOKIE}=${device}`;

    for (let round = 0; round < 3; round++) {
      await strangerLocks(agent.email);
      // The stranger, even with the right password, is locked out; so is any browser without the cookie.
      expect((await login({ email: agent.email, password: PASSWORD })).statusCode).toBe(429);
      // A forged or another account's device cookie does not help.
      const forged = `${PLAIN_HTTP_DEVICE_COOKIE}=${device?.slice(0, -2)}xx`;
      expect((await login({ email: agent.email, password: PASSWORD }, nextIp(), forged)).statusCode).toBe(
        429,
      );
      // The owner's own browser gets in with the password alone.
      const ok = await login({ email: agent.email, password: PASSWORD }, nextIp(), known);
      expect(ok.statusCode, ok.body).toBe(200);
      h.clock.advance(THROTTLE_WINDOW_MS + 1);
    }
    const other = await createTestUser(h.deps, { role: 'agent' });
    await strangerLocks(other.email);
    expect((await login({ email: other.email, password: PASSWORD }, nextIp(), known)).statusCode).toBe(429);
  });

  it('still throttles guessing from a known browser, on its own counter', async () => {
    const agent = await createTestUser(h.deps, { role: 'agent' });
    const first = await login({ email: agent.email, password: PASSWORD });
    const known = `${PLAIN_HTTP_DEVICE_COOKIE}=${cookiesFrom(first.headers)[PLAIN_HTTP_DEVICE_COOKIE]}`;
    for (let i = 0; i < ACCOUNT_FAILURE_LIMIT; i++) {
      expect((await login({ email: agent.email, password: `guess ${i}` }, nextIp(), known)).statusCode).toBe(
        401,
      );
    }
    expect((await login({ email: agent.email, password: PASSWORD }, nextIp(), known)).statusCode).toBe(429);
    // The account itself was not locked by those guesses: a fresh browser still signs in.
    expect((await login({ email: agent.email, password: PASSWORD })).statusCode).toBe(200);
    h.clock.advance(THROTTLE_WINDOW_MS + 1);
  });

  it('still locks out the address that guesses, second factor or not', async () => {
    const { email, secret } = await ownerWithMfa();
    const attacker = nextIp();
    for (let i = 0; i < IP_FAILURE_LIMIT; i++) {
      await login({ email: `nobody${i}@example.test`, password: 'wrong' }, attacker);
    }
    h.clock.advance(30_000);
    const fromAttacker = await login({ email, password: PASSWORD, code: await totp(secret) }, attacker);
    expect(fromAttacker.statusCode).toBe(429);
    h.clock.advance(30_000);
    expect((await login({ email, password: PASSWORD, code: await totp(secret) })).statusCode).toBe(200);
  });
});
