import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountsFixture, cookiesFrom, startAccountsApp } from '../testing/accounts.ts';
import { testDialects } from '../testing/databases.ts';
import { createTestUser, PASSWORD, seedInbox } from '../testing/seed.ts';

describe.each(testDialects)("a user's language on %s", (dialect) => {
  let fx: AccountsFixture;

  beforeAll(async () => {
    fx = await startAccountsApp(dialect);
    await seedInbox(fx.deps);
  });
  afterAll(async () => fx?.close());

  async function signIn(email: string) {
    const res = await fx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password: PASSWORD },
    });
    expect(res.statusCode, res.body).toBe(200);
    const cookies = cookiesFrom(res.headers);
    return {
      headers: {
        cookie: `coexist_session=${cookies.coexist_session}; coexist_csrf=${cookies.coexist_csrf}`,
        'x-csrf-token': cookies.coexist_csrf!,
      },
      body: res.json(),
    };
  }

  it('is null until chosen, then kept on the server and shown on GET /api/me', async () => {
    const agent = await createTestUser(fx.deps, { role: 'agent' });
    const session = await signIn(agent.email);
    expect(session.body.user.language).toBeNull();

    const patched = await fx.app.inject({
      method: 'PATCH',
      url: '/api/me',
      headers: session.headers,
      payload: { language: 'pt-BR' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().user.language).toBe('pt-BR');

    const me = await fx.app.inject({ method: 'GET', url: '/api/me', headers: session.headers });
    expect(me.json().user.language).toBe('pt-BR');
    // Another sign-in (another browser) speaks it too.
    expect((await signIn(agent.email)).body.user.language).toBe('pt-BR');

    const cleared = await fx.app.inject({
      method: 'PATCH',
      url: '/api/me',
      headers: session.headers,
      payload: { language: null },
    });
    expect(cleared.json().user.language).toBeNull();
  });

  it('refuses a language the app does not speak with a stable code', async () => {
    const agent = await createTestUser(fx.deps, { role: 'agent' });
    const session = await signIn(agent.email);
    const res = await fx.app.inject({
      method: 'PATCH',
      url: '/api/me',
      headers: session.headers,
      payload: { language: 'klingon' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    const me = await fx.app.inject({ method: 'GET', url: '/api/me', headers: session.headers });
    expect(me.json().user.language).toBeNull();
  });

  it('needs the CSRF header like every other change', async () => {
    const agent = await createTestUser(fx.deps, { role: 'agent' });
    const session = await signIn(agent.email);
    const res = await fx.app.inject({
      method: 'PATCH',
      url: '/api/me',
      headers: { cookie: session.headers.cookie },
      payload: { language: 'es' },
    });
    expect(res.statusCode).toBe(403);
  });
});
