import { generate, generateSecret } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_FAILURE_LIMIT, IP_FAILURE_LIMIT, THROTTLE_WINDOW_MS } from '../auth/throttle.ts';
import { testDialects } from '../testing/databases.ts';
import { createTestUser, PASSWORD, seedInbox } from '../testing/seed.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';

/** A stranger who knows an email cannot lock its owner out: the password with a valid code still opens. */
describe.each(testDialects)('login throttling against lock-out on %s', (dialect) => {
  let h: TestApp;
  let ip = 1;
  const nextIp = () => `10.7.0.${ip++}`;
  const login = (body: Record<string, unknown>, remoteAddress = nextIp()) =>
    h.app.inject({ method: 'POST', url: '/api/auth/login', payload: body, remoteAddress });
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
