import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountsFixture, cookiesFrom, startAccountsApp } from '../testing/accounts.ts';
import { testDialects } from '../testing/databases.ts';
import { createTestUser, PASSWORD, seedInbox, type TestUser } from '../testing/seed.ts';
import { ensureFirstOwner } from './first-owner.ts';
import { SESSION_IDLE_MS, SESSION_MAX_AGE_MS } from './sessions.ts';
import { ACCOUNT_FAILURE_LIMIT, IP_FAILURE_LIMIT, THROTTLE_WINDOW_MS } from './throttle.ts';

type Session = { cookie: string; csrf: string; body: Record<string, unknown> };

describe.each(testDialects)('sessions, MFA and throttling on %s', (dialect) => {
  let fx: AccountsFixture;
  let ip = 1;
  const nextIp = () => `10.0.0.${ip++}`;

  beforeAll(async () => {
    fx = await startAccountsApp(dialect);
    await seedInbox(fx.deps);
  });
  afterAll(async () => fx?.close());

  const login = (body: Record<string, unknown>, remoteAddress = '10.9.9.9') =>
    fx.app.inject({ method: 'POST', url: '/api/auth/login', payload: body, remoteAddress });

  async function signIn(
    email: string,
    extra: Record<string, unknown> = {},
    remoteAddress?: string,
  ): Promise<Session> {
    const res = await login({ email, password: PASSWORD, ...extra }, remoteAddress);
    expect(res.statusCode, res.body).toBe(200);
    const cookies = cookiesFrom(res.headers);
    return {
      cookie: `coexist_session=${cookies.coexist_session}; coexist_csrf=${cookies.coexist_csrf}`,
      csrf: cookies.coexist_csrf!,
      body: res.json(),
    };
  }

  const as = (
    s: Session,
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    payload?: object,
    csrf: string | null = s.csrf,
  ) =>
    fx.app.inject({
      method,
      url,
      headers: { cookie: s.cookie, ...(csrf !== null ? { 'x-csrf-token': csrf } : {}) },
      ...(payload ? { payload } : {}),
    });

  const totp = (secret: string) => generate({ secret, epoch: Math.floor(fx.clock.now() / 1000) });

  it('logs in with an argon2id password, sets secure cookies, and stores only the session hash', async () => {
    const agent = await createTestUser(fx.deps, { role: 'agent' });
    const row = await fx.deps.database.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', agent.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash.startsWith('$argon2id$')).toBe(true);

    const res = await login({ email: agent.email.toUpperCase(), password: PASSWORD });
    expect(res.statusCode).toBe(200);
    const setCookie = ([] as string[]).concat(res.headers['set-cookie'] as string[]);
    const session = setCookie.find((c) => c.startsWith('coexist_session='))!;
    const csrf = setCookie.find((c) => c.startsWith('coexist_csrf='))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    expect(session).not.toMatch(/Secure/);
    expect(csrf).not.toMatch(/HttpOnly/);
    const value = cookiesFrom(res.headers).coexist_session!;
    const stored = await fx.deps.database.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', agent.id)
      .execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.id).not.toBe(value);

    const wrong = await login({ email: agent.email, password: 'wrong password!' });
    expect(wrong.json().error.code).toBe('LOGIN_FAILED');
    const nobody = await login({ email: 'nobody@example.test', password: PASSWORD });
    expect(nobody.json().error.code).toBe('LOGIN_FAILED');
  });

  it('marks cookies Secure when served over https, believing a proxy only when configured to', async () => {
    const agent = await createTestUser(fx.deps, { role: 'agent' });
    const login = (app: typeof fx.app) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'x-forwarded-proto': 'https' },
        payload: { email: agent.email, password: PASSWORD },
      });
    const cookies = (res: Awaited<ReturnType<typeof login>>) =>
      ([] as string[]).concat(res.headers['set-cookie'] as string[]);
    // A client's own X-Forwarded-Proto is not believed by default.
    const direct = cookies(await login(fx.app));
    expect(direct.length).toBeGreaterThan(0);
    for (const c of direct) expect(c).not.toMatch(/; Secure/);
    const behindProxy = await startAccountsApp(dialect, { trustProxy: '127.0.0.1' });
    try {
      const user = await createTestUser(behindProxy.deps, { role: 'agent', email: agent.email });
      expect(user.email).toBe(agent.email);
      const proxied = cookies(await login(behindProxy.app));
      expect(proxied.length).toBeGreaterThan(0);
      for (const c of proxied) expect(c).toMatch(/; Secure/);
    } finally {
      await behindProxy.close();
    }
  });

  it('rejects a cookie-session state change without the CSRF header, but not a bearer one', async () => {
    const agent = await createTestUser(fx.deps, { role: 'agent' });
    const s = await signIn(agent.email);
    const noHeader = await as(s, 'POST', '/api/me/presence', { status: 'away' }, null);
    expect(noHeader.statusCode).toBe(403);
    expect(noHeader.json().error.code).toBe('CSRF_TOKEN_INVALID');
    const wrongHeader = await as(s, 'POST', '/api/me/presence', { status: 'away' }, 'forged');
    expect(wrongHeader.json().error.code).toBe('CSRF_TOKEN_INVALID');
    expect((await as(s, 'POST', '/api/me/presence', { status: 'away' })).statusCode).toBe(200);
    expect((await as(s, 'GET', '/api/me', undefined, null)).statusCode).toBe(200);
    const bearer = await fx.app.inject({
      method: 'POST',
      url: '/api/me/presence',
      headers: { authorization: `Bearer ${agent.token}` },
      payload: { status: 'online' },
    });
    expect(bearer.statusCode).toBe(200);
  });

  it('enrols MFA by QR code, then requires a real TOTP code, refusing replays; recovery codes work once', async () => {
    const owner = await createTestUser(fx.deps, { role: 'owner' });
    const s = await signIn(owner.email);
    expect(s.body.mfa_enrolment_required).toBe(true);
    const blocked = await as(s, 'GET', '/api/conversations');
    expect(blocked.json().error.code).toBe('MFA_ENROLMENT_REQUIRED');
    expect((await as(s, 'GET', '/api/me')).statusCode).toBe(200);

    const enrol = await as(s, 'POST', '/api/auth/mfa/enrol');
    expect(enrol.statusCode).toBe(200);
    const { secret, otpauth_url, qr_data_url } = enrol.json() as Record<string, string>;
    expect(otpauth_url).toMatch(/^otpauth:\/\/totp\/Coexist:/);
    expect(otpauth_url).toContain(`secret=${secret}`);
    expect(qr_data_url).toMatch(/^data:image\/png;base64,/);

    expect((await as(s, 'POST', '/api/auth/mfa/confirm', { code: '000000' })).json().error.code).toBe(
      'MFA_INVALID',
    );
    const confirm = await as(s, 'POST', '/api/auth/mfa/confirm', { code: await totp(secret!) });
    expect(confirm.statusCode).toBe(200);
    const recovery = confirm.json().recovery_codes as string[];
    expect(recovery).toHaveLength(10);
    expect(new Set(recovery).size).toBe(10);
    expect((await as(s, 'GET', '/api/conversations')).statusCode).toBe(200);
    const stored = await fx.deps.database.db
      .selectFrom('mfa_recovery_codes')
      .select('code_hash')
      .where('user_id', '=', owner.id)
      .execute();
    expect(stored.map((r) => r.code_hash)).not.toContain(recovery[0]);

    // Logging out ends the session.
    expect((await as(s, 'POST', '/api/auth/logout')).statusCode).toBe(204);
    expect((await as(s, 'GET', '/api/me')).statusCode).toBe(401);

    // Password alone is not enough any more.
    expect((await login({ email: owner.email, password: PASSWORD })).json().error.code).toBe('MFA_REQUIRED');
    // The code used to confirm enrolment cannot be reused in the same time step.
    expect(
      (await login({ email: owner.email, password: PASSWORD, code: await totp(secret!) })).json().error.code,
    ).toBe('MFA_INVALID');
    fx.clock.advance(30_000);
    const code = await totp(secret!);
    const withCode = await signIn(owner.email, { code });
    expect(withCode.body.mfa_enrolment_required).toBe(false);
    expect((await as(withCode, 'GET', '/api/users')).statusCode).toBe(200);
    expect((await login({ email: owner.email, password: PASSWORD, code })).json().error.code).toBe(
      'MFA_INVALID',
    );

    // A recovery code signs in once.
    await signIn(owner.email, { recovery_code: recovery[3]!.toUpperCase() });
    const again = await login({ email: owner.email, password: PASSWORD, recovery_code: recovery[3] });
    expect(again.json().error.code).toBe('MFA_INVALID');
    const me = await as(withCode, 'GET', '/api/me');
    expect(me.json().recovery_codes_remaining).toBe(9);

    // New recovery codes need a current authenticator code (a recovery code is not enough) and
    // replace every earlier code.
    expect(
      (await as(withCode, 'POST', '/api/auth/mfa/recovery-codes', { code: recovery[4] })).json().error.code,
    ).toBe('MFA_INVALID');
    fx.clock.advance(30_000);
    const fresh = await as(withCode, 'POST', '/api/auth/mfa/recovery-codes', { code: await totp(secret!) });
    expect(fresh.statusCode).toBe(200);
    const renewed = fresh.json().recovery_codes as string[];
    expect(renewed).toHaveLength(10);
    expect(renewed).not.toContain(recovery[4]);
    expect((await as(withCode, 'GET', '/api/me')).json().recovery_codes_remaining).toBe(10);
    expect(
      (await login({ email: owner.email, password: PASSWORD, recovery_code: recovery[4] })).json().error.code,
    ).toBe('MFA_INVALID');
    await signIn(owner.email, { recovery_code: renewed[0] });
  });

  it('requires MFA for every role once the owner switches it on', async () => {
    const owner = await createTestUser(fx.deps, { role: 'owner' });
    const agent = await createTestUser(fx.deps, { role: 'agent' });
    const patch = await fx.app.inject({
      method: 'PATCH',
      url: '/api/settings',
      headers: { authorization: `Bearer ${owner.token}` },
      payload: { require_mfa_for_all: true },
    });
    expect(patch.json()).toEqual({ require_mfa_for_all: true });
    const s = await signIn(agent.email);
    expect(s.body.mfa_enrolment_required).toBe(true);
    expect((await as(s, 'GET', '/api/conversations')).json().error.code).toBe('MFA_ENROLMENT_REQUIRED');
    await fx.app.inject({
      method: 'PATCH',
      url: '/api/settings',
      headers: { authorization: `Bearer ${owner.token}` },
      payload: { require_mfa_for_all: false },
    });
    expect((await as(s, 'GET', '/api/conversations')).statusCode).toBe(200);
  });

  it('throttles repeated failures per account, then lets the account in after the window', async () => {
    const agent = await createTestUser(fx.deps, { role: 'agent' });
    for (let i = 0; i < ACCOUNT_FAILURE_LIMIT; i++) {
      expect(
        (await login({ email: agent.email, password: 'wrong password!' }, nextIp())).json().error.code,
      ).toBe('LOGIN_FAILED');
    }
    const locked = await login({ email: agent.email, password: PASSWORD }, nextIp());
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('LOGIN_THROTTLED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    fx.clock.advance(THROTTLE_WINDOW_MS);
    expect((await login({ email: agent.email, password: PASSWORD }, nextIp())).statusCode).toBe(200);
  });

  it('counts parallel guesses: no more than the limit are ever checked', async () => {
    const agent = await createTestUser(fx.deps, { role: 'agent' });
    const answers = await Promise.all(
      Array.from({ length: ACCOUNT_FAILURE_LIMIT * 3 }, () =>
        login({ email: agent.email, password: 'wrong password!' }, nextIp()),
      ),
    );
    const codes = answers.map((a) => a.json().error.code);
    expect(codes.filter((c) => c === 'LOGIN_FAILED')).toHaveLength(ACCOUNT_FAILURE_LIMIT);
    expect(codes.filter((c) => c === 'LOGIN_THROTTLED')).toHaveLength(ACCOUNT_FAILURE_LIMIT * 2);
    expect((await login({ email: agent.email, password: PASSWORD }, nextIp())).json().error.code).toBe(
      'LOGIN_THROTTLED',
    );
    fx.clock.advance(THROTTLE_WINDOW_MS);
  });

  it('throttles guessing the current password from inside a session, like logging in', async () => {
    const agent = await createTestUser(fx.deps, { role: 'agent' });
    const s = await signIn(agent.email, {}, nextIp());
    const change = (current: string) =>
      as(s, 'POST', '/api/auth/password', {
        current_password: current,
        new_password: 'a brand new password',
      });
    for (let i = 0; i < ACCOUNT_FAILURE_LIMIT; i++) {
      expect((await change(`guess number ${i}`)).json().error.code).toBe('PASSWORD_INCORRECT');
    }
    const locked = await change(PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('LOGIN_THROTTLED');
    fx.clock.advance(THROTTLE_WINDOW_MS);
    expect((await change(PASSWORD)).statusCode).toBe(204);
  });

  it('throttles repeated failures per IP across accounts', async () => {
    const attacker = nextIp();
    for (let i = 0; i < IP_FAILURE_LIMIT; i++) {
      await login({ email: `guess${i}@example.test`, password: 'wrong password!' }, attacker);
    }
    const agent = await createTestUser(fx.deps, { role: 'agent' });
    expect((await login({ email: agent.email, password: PASSWORD }, attacker)).json().error.code).toBe(
      'LOGIN_THROTTLED',
    );
    expect((await login({ email: agent.email, password: PASSWORD }, nextIp())).statusCode).toBe(200);
    fx.clock.advance(THROTTLE_WINDOW_MS);
  });

  it('ends a session after the idle timeout and after its maximum age', async () => {
    const agent: TestUser = await createTestUser(fx.deps, { role: 'agent' });
    const idle = await signIn(agent.email, {}, nextIp());
    fx.clock.advance(SESSION_IDLE_MS - 1_000);
    expect((await as(idle, 'GET', '/api/me')).statusCode).toBe(200);
    fx.clock.advance(SESSION_IDLE_MS - 1_000);
    expect((await as(idle, 'GET', '/api/me')).statusCode).toBe(200);
    fx.clock.advance(SESSION_IDLE_MS);
    expect((await as(idle, 'GET', '/api/me')).json().error.code).toBe('UNAUTHENTICATED');

    const busy = await signIn(agent.email, {}, nextIp());
    const start = fx.clock.now();
    while (fx.clock.now() - start < SESSION_MAX_AGE_MS - SESSION_IDLE_MS / 2) {
      fx.clock.advance(SESSION_IDLE_MS / 2);
      expect((await as(busy, 'GET', '/api/me')).statusCode).toBe(200);
    }
    fx.clock.set(start + SESSION_MAX_AGE_MS);
    expect((await as(busy, 'GET', '/api/me')).statusCode).toBe(401);
  });

  it('reports presence from heartbeats and from session activity', async () => {
    const supervisor = await createTestUser(fx.deps, { role: 'supervisor' });
    const agent = await createTestUser(fx.deps, { role: 'agent' });
    const overview = async () =>
      (
        await fx.app.inject({
          method: 'GET',
          url: '/api/supervisor/overview',
          headers: { authorization: `Bearer ${supervisor.token}` },
        })
      ).json().agents as { id: string; presence: string }[];
    const presenceOf = async () => (await overview()).find((a) => a.id === agent.id)?.presence;
    expect(await presenceOf()).toBe('offline');
    const s = await signIn(agent.email, {}, nextIp());
    expect(await presenceOf()).toBe('online');
    await as(s, 'POST', '/api/me/presence', { status: 'away' });
    expect(await presenceOf()).toBe('away');
    fx.clock.advance(5 * 60_000);
    expect(await presenceOf()).toBe('offline');
  });

  it('creates the first owner once and prints a login that works', async () => {
    const other = await startAccountsApp(dialect);
    try {
      const first = await ensureFirstOwner(other.deps);
      expect(first).not.toBeNull();
      expect(await ensureFirstOwner(other.deps)).toBeNull();
      const res = await other.app.inject({ method: 'POST', url: '/api/auth/login', payload: first! });
      expect(res.statusCode).toBe(200);
      expect(res.json().user.role).toBe('owner');
      expect(res.json().mfa_enrolment_required).toBe(true);
    } finally {
      await other.close();
    }
  });
});
