import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveSubscriber } from '../archive/archive.subscriber.ts';
import { ACCOUNT_FAILURE_LIMIT } from '../auth/throttle.ts';
import { startEventSubscribers } from '../hub.ts';
import { cookiesFrom } from '../testing/accounts.ts';
import { testDialects } from '../testing/databases.ts';
import { createTestUser, PASSWORD, seedInbox, type TestUser } from '../testing/seed.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';

type Entry = {
  id: string;
  kind: string;
  outcome: string;
  actor_user_id: string | null;
  actor_token_id: string | null;
  target_user_id: string | null;
  target_token_id: string | null;
  email: string | null;
  ip: string | null;
  details: Record<string, unknown>;
};

/** The security log: sign-ins, failures, lockouts, credential changes and administration, without secrets. */
describe.each(testDialects)('the security log on %s', (dialect) => {
  let h: TestApp;
  let owner: TestUser;
  const secrets: string[] = [PASSWORD];

  const api = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
    token = owner.token,
  ) =>
    h.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      remoteAddress: '10.5.5.5',
      ...(payload ? { payload } : {}),
    });
  const log = async (query = ''): Promise<Entry[]> => {
    const res = await api('GET', `/api/security-log${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().data;
  };
  const login = (email: string, password: string) =>
    h.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password },
      remoteAddress: '10.6.6.6',
      headers: { 'user-agent': 'test-browser/1.0' },
    });

  beforeAll(async () => {
    h = await buildTestApp(dialect);
    await seedInbox(h.deps);
    owner = await createTestUser(h.deps, { role: 'owner' });
    secrets.push(owner.token);
  });
  afterAll(async () => h.close());

  it('records sign-ins, failures for known and unknown accounts, and lockouts', async () => {
    const agent = await createTestUser(h.deps, { role: 'agent' });
    secrets.push(agent.token);
    expect((await login(agent.email, PASSWORD)).statusCode).toBe(200);
    expect((await login(agent.email, 'wrong password 1')).statusCode).toBe(401);
    expect((await login('nobody@example.test', 'wrong password 2')).statusCode).toBe(401);
    secrets.push('wrong password 1', 'wrong password 2');
    for (let i = 0; i < ACCOUNT_FAILURE_LIMIT; i++) await login(agent.email, `wrong guess ${i}`);
    const entries = await log(`?user_id=${agent.id}`);
    const kinds = entries.map((e) => `${e.kind}:${e.outcome}`);
    expect(kinds).toContain('sign_in:succeeded');
    expect(kinds).toContain('sign_in:failed');
    expect(kinds).toContain('lockout:refused');
    const success = entries.find((e) => e.kind === 'sign_in' && e.outcome === 'succeeded')!;
    expect(success).toMatchObject({ target_user_id: agent.id, email: agent.email, ip: '10.6.6.6' });
    const failed = entries.find((e) => e.kind === 'sign_in' && e.outcome === 'failed')!;
    expect(failed.details).toEqual({ reason: 'password' });
    const unknown = await log('?email=nobody@example.test');
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toMatchObject({ kind: 'sign_in', outcome: 'failed', target_user_id: null });
    expect(unknown[0]!.details).toEqual({ reason: 'unknown_account' });
  });

  it('is archived too: sign-ins and failures become archive entries with ids and outcome, no email or secret', async () => {
    const user = await createTestUser(h.deps, { role: 'agent' });
    expect((await login(user.email, PASSWORD)).statusCode).toBe(200);
    expect((await login(user.email, 'wrong password 3')).statusCode).toBe(401);
    secrets.push(user.token, 'wrong password 3');
    const archive = startEventSubscribers(h.deps, {
      subscribers: [archiveSubscriber],
      autoStart: false,
      gapGraceMs: 0,
    });
    try {
      while ((await archive.runOnce()) > 0) {}
    } finally {
      await archive.stop();
    }
    const rows = await h.deps.database.db
      .selectFrom('archive_entries')
      .select(['entry'])
      .where('type', '=', 'security.recorded')
      .execute();
    const mine = rows
      .map((r) => r.entry)
      .filter((entry) => entry.includes(user.id))
      .map(
        (entry) => JSON.parse(entry) as { data: { kind: string; outcome: string; target_user_id: string } },
      );
    expect(mine.map((e) => `${e.data.kind}:${e.data.outcome}`).sort()).toEqual([
      'sign_in:failed',
      'sign_in:succeeded',
    ]);
    expect(mine.every((e) => e.data.target_user_id === user.id)).toBe(true);
    for (const r of rows) {
      expect(r.entry).not.toContain(user.email);
      for (const secret of secrets) expect(r.entry).not.toContain(secret);
    }
  });

  it('records password changes, user and role administration, and token administration', async () => {
    const created = await api('POST', '/api/users', {
      email: 'new@example.test',
      name: 'New',
      role: 'agent',
    });
    expect(created.statusCode, created.body).toBe(201);
    const { user, password } = created.json() as { user: { id: string }; password: string };
    secrets.push(password);
    expect((await api('PATCH', `/api/users/${user.id}`, { role: 'supervisor' })).statusCode).toBe(200);
    expect((await api('PATCH', `/api/users/${user.id}`, { password: 'reset by the owner' })).statusCode).toBe(
      200,
    );
    secrets.push('reset by the owner');
    expect((await api('PATCH', `/api/users/${user.id}`, { disabled: true })).statusCode).toBe(200);
    const token = await api('POST', '/api/tokens', { name: 'crm', role: 'agent' });
    expect(token.statusCode).toBe(201);
    const { id: tokenId, token: tokenSecret } = token.json() as { id: string; token: string };
    secrets.push(tokenSecret);
    expect((await api('DELETE', `/api/tokens/${tokenId}`)).statusCode).toBe(204);

    const about = await log(`?user_id=${user.id}`);
    expect(about.map((e) => e.kind).reverse()).toEqual([
      'user.created',
      'user.role_changed',
      'password.reset',
      'user.disabled',
    ]);
    for (const e of about) expect(e.actor_token_id).not.toBeNull();
    expect(about.find((e) => e.kind === 'user.role_changed')!.details).toEqual({
      role: { from: 'agent', to: 'supervisor' },
    });
    const tokens = (await log()).filter((e) => e.target_token_id === tokenId).map((e) => e.kind);
    expect(tokens.sort()).toEqual(['token.created', 'token.revoked']);
  });

  it('records one’s own password change and a wrong current password', async () => {
    const agent = await createTestUser(h.deps, { role: 'agent' });
    const res = await login(agent.email, PASSWORD);
    const cookies = cookiesFrom(res.headers);
    const change = (current: string) =>
      h.app.inject({
        method: 'POST',
        url: '/api/auth/password',
        headers: {
          cookie: `coexist_session=${cookies.coexist_session}; coexist_csrf=${cookies.coexist_csrf}`,
          'x-csrf-token': cookies.coexist_csrf!,
        },
        payload: { current_password: current, new_password: 'my very new password' },
      });
    expect((await change('not my password')).statusCode).toBe(403);
    expect((await change(PASSWORD)).statusCode).toBe(204);
    secrets.push('not my password', 'my very new password', cookies.coexist_session!, cookies.coexist_csrf!);
    const kinds = (await log(`?user_id=${agent.id}`)).map((e) => `${e.kind}:${e.outcome}`);
    expect(kinds).toContain('reauthentication:failed');
    expect(kinds).toContain('password.changed:succeeded');
  });

  it('never stores a secret: no password, code, token or session id in any entry', async () => {
    const rows = await h.db.selectFrom('security_log').selectAll().execute();
    expect(rows.length).toBeGreaterThan(10);
    const text = JSON.stringify(rows);
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('is for owners and admins only, paged newest first', async () => {
    const supervisor = await createTestUser(h.deps, { role: 'supervisor' });
    const auditor = await createTestUser(h.deps, { role: 'auditor' });
    for (const who of [supervisor, auditor]) {
      expect((await api('GET', '/api/security-log', undefined, who.token)).statusCode).toBe(403);
    }
    const admin = await createTestUser(h.deps, { role: 'admin', wabaIds: null });
    expect((await api('GET', '/api/security-log', undefined, admin.token)).statusCode).toBe(200);
    const first = await api('GET', '/api/security-log?limit=2');
    const page = first.json() as { data: Entry[]; next_cursor: string };
    expect(page.data).toHaveLength(2);
    expect(Number(page.data[0]!.id)).toBeGreaterThan(Number(page.data[1]!.id));
    const next = (await api('GET', `/api/security-log?limit=2&cursor=${page.next_cursor}`)).json() as {
      data: Entry[];
    };
    expect(Number(next.data[0]!.id)).toBeLessThan(Number(page.data[1]!.id));
  });
});
