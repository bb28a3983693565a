import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cookiesFrom } from '../testing/accounts.ts';
import { testDialects } from '../testing/databases.ts';
import { createTestUser, PASSWORD, seedInbox } from '../testing/seed.ts';
import { SseClient } from '../testing/sse-client.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';

/**
 * Disabling a user ends their tokens for good and their sessions; an open event stream ends at once
 * on logout or revocation. The keep-alive is an hour here, so only the immediate path can end a stream.
 */
describe.each(testDialects)('revocation on %s', (dialect) => {
  let h: TestApp;
  let url: string;
  let ownerToken: string;
  const clients: SseClient[] = [];
  const open = async (headers: Record<string, string>) => {
    const client = await SseClient.open(`${url}/api/events`, headers);
    clients.push(client);
    expect(client.status).toBe(200);
    await client.comment('connected');
    return client;
  };
  const closedWith = (client: SseClient) =>
    JSON.parse(client.all().find((f) => f.event === 'stream.closed')?.data ?? '{}').code;

  beforeAll(async () => {
    h = await buildTestApp(dialect, { realtime: { pollMs: 50, keepAliveMs: 3_600_000 } });
    await seedInbox(h.deps);
    ownerToken = (await createTestUser(h.deps, { role: 'owner' })).token;
    url = (await h.app.listen({ port: 0, host: '127.0.0.1' })).replace('[::1]', '127.0.0.1');
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => h.close());

  const patchUser = (id: string, payload: object) =>
    h.app.inject({
      method: 'PATCH',
      url: `/api/users/${id}`,
      headers: { authorization: `Bearer ${ownerToken}` },
      payload,
    });

  it('disabling a user revokes their tokens for good, and ends their open stream at once', async () => {
    const agent = await createTestUser(h.deps, { role: 'agent' });
    const stream = await open({ authorization: `Bearer ${agent.token}` });
    expect((await patchUser(agent.id, { disabled: true })).statusCode).toBe(200);
    await stream.ended;
    expect(closedWith(stream)).toBe('UNAUTHENTICATED');
    const tokens = await h.db
      .selectFrom('api_tokens')
      .select('revoked_at')
      .where('user_id', '=', agent.id)
      .execute();
    expect(tokens.length).toBeGreaterThan(0);
    for (const t of tokens) expect(t.revoked_at).not.toBeNull();
    // Enabling the user again does not bring the old token back.
    expect((await patchUser(agent.id, { disabled: false })).statusCode).toBe(200);
    const me = await h.app.inject({ url: '/api/me', headers: { authorization: `Bearer ${agent.token}` } });
    expect(me.statusCode).toBe(401);
  });

  it('logging out ends the session’s open stream at once', async () => {
    const agent = await createTestUser(h.deps, { role: 'agent' });
    const login = await h.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: agent.email, password: PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    const cookies = cookiesFrom(login.headers);
    const cookie = `coexist_session=${cookies.coexist_session}; coexist_csrf=${cookies.coexist_csrf}`;
    const stream = await open({ cookie });
    // Another user's stream stays open.
    const bystander = await open({ authorization: `Bearer ${ownerToken}` });
    const out = await h.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie, 'x-csrf-token': cookies.coexist_csrf! },
    });
    expect(out.statusCode).toBe(204);
    await stream.ended;
    expect(closedWith(stream)).toBe('UNAUTHENTICATED');
    expect(bystander.all().some((f) => f.event === 'stream.closed')).toBe(false);
  });

  it('revoking a token through the API ends its open stream at once', async () => {
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { authorization: `Bearer ${ownerToken}` },
      payload: { name: 'bot', role: 'agent' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id, token } = created.json() as { id: string; token: string };
    const stream = await open({ authorization: `Bearer ${token}` });
    const revoked = await h.app.inject({
      method: 'DELETE',
      url: `/api/tokens/${id}`,
      headers: { authorization: `Bearer ${ownerToken}` },
    });
    expect(revoked.statusCode).toBe(204);
    await stream.ended;
    expect(closedWith(stream)).toBe('UNAUTHENTICATED');
  });
});
