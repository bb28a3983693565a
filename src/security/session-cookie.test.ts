import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookiesFrom, startAccountsApp } from '../testing/accounts.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../testing/databases.ts';
import { createTestUser, PASSWORD } from '../testing/seed.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';

const setCookies = (headers: Record<string, unknown>) =>
  ([] as string[]).concat(headers['set-cookie'] as string[]);

describe.each(testDialects)('the session cookie on %s', (dialect) => {
  let database: TestDatabase;
  let https: TestApp;
  let plain: TestApp;
  let email: string;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    https = await buildTestApp(dialect, { database, env: { COEXIST_PUBLIC_URL: 'https://hub.example.com' } });
    plain = await buildTestApp(dialect, { database });
    email = (await createTestUser(https.deps, { role: 'agent' })).email;
  });
  afterAll(async () => {
    await https?.close();
    await plain?.close();
    await database?.destroy();
  });

  const login = (app: TestApp) =>
    app.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: PASSWORD } });

  it('is __Host-coexist_session, Secure, Path=/ and without Domain when the public URL is https', async () => {
    const res = await login(https);
    expect(res.statusCode).toBe(200);
    const session = setCookies(res.headers).find((c) => c.startsWith('__Host-coexist_session='));
    expect(session).toBeDefined();
    expect(session).toMatch(/; Secure/);
    expect(session).toMatch(/; Path=\/(;|$)/);
    expect(session).toMatch(/; HttpOnly/);
    expect(session).not.toMatch(/Domain=/i);
    const value = cookiesFrom(res.headers)['__Host-coexist_session']!;
    const me = await https.app.inject({
      url: '/api/me',
      headers: { cookie: `__Host-coexist_session=${value}` },
    });
    expect(me.statusCode).toBe(200);
    // The plain-http name is never read by an https hub: nothing can plant a session under it.
    const planted = await https.app.inject({
      url: '/api/me',
      headers: { cookie: `coexist_session=${value}` },
    });
    expect(planted.statusCode).toBe(401);
  });

  it('keeps plain-http localhost working with coexist_session (no Secure), as documented', async () => {
    const res = await login(plain);
    expect(res.statusCode).toBe(200);
    const cookies = setCookies(res.headers);
    const session = cookies.find((c) => c.startsWith('coexist_session='));
    expect(session).toBeDefined();
    expect(session).not.toMatch(/Secure/);
    const value = cookiesFrom(res.headers).coexist_session!;
    const me = await plain.app.inject({ url: '/api/me', headers: { cookie: `coexist_session=${value}` } });
    expect(me.statusCode).toBe(200);
  });

  it('is __Host- and Secure behind a trusted https proxy too', async () => {
    const proxied = await startAccountsApp(dialect, { trustProxy: '127.0.0.1' });
    try {
      const user = await createTestUser(proxied.deps, { role: 'agent' });
      const res = await proxied.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'x-forwarded-proto': 'https' },
        payload: { email: user.email, password: PASSWORD },
      });
      const session = setCookies(res.headers).find((c) => c.startsWith('__Host-coexist_session='));
      expect(session).toMatch(/; Secure/);
    } finally {
      await proxied.close();
    }
  });
});
