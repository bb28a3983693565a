import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../auth/principal.ts';
import { type AccountsFixture, startAccountsApp, WABA_A } from '../testing/accounts.ts';
import { testDialects } from '../testing/databases.ts';
import { createTestUser, seedInbox, type TestUser } from '../testing/seed.ts';
import { conversationAssignedTo, conversationHasLabel, conversationInTeam } from './conversation-filters.ts';

describe.each(testDialects)('inbox actions on %s', (dialect) => {
  let fx: AccountsFixture;
  let seed: Awaited<ReturnType<typeof seedInbox>>;
  const u = {} as Record<Role | 'agent2', TestUser>;

  beforeAll(async () => {
    fx = await startAccountsApp(dialect);
    seed = await seedInbox(fx.deps);
    for (const role of ['owner', 'admin', 'supervisor', 'agent', 'auditor'] as const) {
      u[role] = await createTestUser(fx.deps, { role });
    }
    u.agent2 = await createTestUser(fx.deps, { role: 'agent' });
  });
  afterAll(async () => fx?.close());

  const call = (user: TestUser, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    fx.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${user.token}` },
      ...(payload ? { payload } : {}),
    });
  const conv = () => `/api/conversations/${seed.conversationA}`;

  it('assigns, transfers to a team, resolves and reopens, recording a realtime event each time', async () => {
    const events = async () =>
      (
        await fx.deps.database.db
          .selectFrom('domain_events')
          .select('id')
          .where('type', '=', 'conversation.changed')
          .execute()
      ).length;
    const before = await events();
    const team = (
      await call(u.admin, 'POST', '/api/teams', { name: 'Support', member_ids: [u.agent.id, u.agent2.id] })
    ).json();
    expect(team.member_ids).toEqual([u.agent.id, u.agent2.id].sort());
    expect(team.waba_id).toBe(WABA_A);

    const assigned = await call(u.agent, 'PATCH', conv(), { assignee_user_id: u.agent.id });
    expect(assigned.json()).toMatchObject({
      id: seed.conversationA,
      assignee_user_id: u.agent.id,
      status: 'open',
    });
    const transferred = await call(u.agent, 'PATCH', conv(), {
      assignee_user_id: u.agent2.id,
      team_id: team.id,
    });
    expect(transferred.json()).toMatchObject({ assignee_user_id: u.agent2.id, team_id: team.id });
    const resolved = await call(u.agent2, 'PATCH', conv(), { status: 'resolved' });
    expect(resolved.json().status).toBe('resolved');
    const reopened = await call(u.agent2, 'PATCH', conv(), { status: 'open' });
    expect(reopened.json().status).toBe('open');
    expect(await events()).toBe(before + 4);

    const row = await fx.deps.database.db
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', seed.conversationA)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ assignee_user_id: u.agent2.id, team_id: team.id, status: 'open' });
    expect((await call(u.agent, 'PATCH', conv(), { assignee_user_id: 'no-such-user' })).statusCode).toBe(403);
    expect((await call(u.supervisor, 'PATCH', conv(), { assignee_user_id: 'no-such-user' })).statusCode).toBe(
      400,
    );
    expect((await call(u.supervisor, 'PATCH', conv(), {})).statusCode).toBe(400);
  });

  it('lets a supervisor take a conversation over, reopening it if resolved', async () => {
    await call(u.admin, 'PATCH', conv(), { assignee_user_id: u.agent.id, status: 'resolved' });
    const res = await call(u.supervisor, 'POST', `${conv()}/take-over`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ assignee_user_id: u.supervisor.id, status: 'open' });
  });

  it('keeps internal notes out of the messages and the outbound path', async () => {
    const db = fx.deps.database.db;
    const count = async (table: 'messages') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const messagesBefore = await count('messages');
    const note = await call(u.agent, 'POST', `${conv()}/notes`, { body: 'Customer is a VIP, be quick' });
    expect(note.statusCode).toBe(201);
    expect(note.json()).toMatchObject({ body: 'Customer is a VIP, be quick', author: { id: u.agent.id } });
    fx.clock.advance(1_000);
    await call(u.supervisor, 'POST', `${conv()}/notes`, { body: 'Second note' });
    expect(await count('messages')).toBe(messagesBefore);
    const list = (await call(u.auditor, 'GET', `${conv()}/notes`)).json();
    expect(list.data.map((n: { body: string }) => n.body)).toEqual([
      'Customer is a VIP, be quick',
      'Second note',
    ]);
    expect((await call(u.auditor, 'POST', `${conv()}/notes`, { body: 'x' })).statusCode).toBe(403);
    // The thread (messages) never contains a note.
    const thread = await call(u.agent, 'GET', `${conv()}/messages`);
    expect(thread.statusCode).toBe(200);
    expect(JSON.stringify(thread.json())).not.toContain('be quick');
  });

  it('creates labels, attaches and detaches them, and the list filters find them', async () => {
    const vip = (await call(u.agent, 'POST', '/api/labels', { name: 'VIP', color: '#ff0000' })).json();
    expect(vip).toMatchObject({ name: 'VIP', color: '#ff0000', waba_id: WABA_A });
    expect((await call(u.agent, 'POST', '/api/labels', { name: 'vip' })).statusCode).toBe(409);
    const lead = (await call(u.agent, 'POST', '/api/labels', { name: 'Lead' })).json();
    const patched = await call(u.agent, 'PATCH', conv(), { labels: [vip.id, lead.id] });
    expect(patched.json().labels.map((l: { name: string }) => l.name)).toEqual(['Lead', 'VIP']);
    const detached = await call(u.agent, 'DELETE', `${conv()}/labels/${lead.id}`);
    expect(detached.json().labels.map((l: { name: string }) => l.name)).toEqual(['VIP']);
    const attached = await call(u.agent, 'POST', `${conv()}/labels`, { label_id: lead.id });
    expect(attached.json().labels).toHaveLength(2);

    const db = fx.deps.database.db;
    const ids = async (where: ReturnType<typeof conversationHasLabel>) =>
      (await db.selectFrom('conversations').select('id').where(where).execute()).map((r) => r.id);
    expect(await ids(conversationHasLabel(vip.id))).toEqual([seed.conversationA]);
    expect(await ids(conversationHasLabel('vip'))).toEqual([seed.conversationA]);
    expect(await ids(conversationHasLabel('nope'))).toEqual([]);
    await call(u.supervisor, 'PATCH', conv(), { assignee_user_id: u.agent.id });
    expect(await ids(conversationAssignedTo('me', u.agent.id))).toEqual([seed.conversationA]);
    expect(await ids(conversationAssignedTo('unassigned', u.agent.id))).toEqual([seed.conversationB]);
    expect(await ids(conversationAssignedTo('me', null))).toEqual([]);
    // The same filters through the read API's list.
    const listed = async (query: string, user = u.agent) =>
      ((await call(user, 'GET', `/api/conversations?${query}`)).json().data as { id: string }[]).map(
        (c) => c.id,
      );
    expect(await listed('assignee=me')).toEqual([seed.conversationA]);
    expect(await listed('assignee=unassigned', u.owner)).toEqual([seed.conversationB]);
    expect(await listed(`assignee=${u.agent.id}`)).toEqual([seed.conversationA]);
    expect(await listed(`label=${vip.id}`)).toEqual([seed.conversationA]);
    const team = (await call(u.admin, 'GET', '/api/teams')).json().data[0];
    expect(await ids(conversationInTeam(team.id))).toEqual([seed.conversationA]);
    expect(await listed(`team_id=${team.id}`)).toEqual([seed.conversationA]);

    expect((await call(u.agent, 'DELETE', `/api/labels/${lead.id}`)).statusCode).toBe(204);
    expect(
      (await call(u.agent, 'GET', `${conv()}/labels`)).json().data.map((l: { id: string }) => l.id),
    ).toEqual([vip.id]);
  });

  it('manages canned replies per team or global; agents see global ones and their teams’', async () => {
    const teams = (await call(u.admin, 'GET', '/api/teams')).json().data as { id: string }[];
    const other = (await call(u.admin, 'POST', '/api/teams', { name: 'Billing' })).json();
    const global = await call(u.supervisor, 'POST', '/api/canned-replies', {
      shortcut: 'hello',
      text: 'Hello! How can I help?',
    });
    expect(global.statusCode).toBe(201);
    expect(
      (await call(u.supervisor, 'POST', '/api/canned-replies', { shortcut: 'hello', text: 'dup' }))
        .statusCode,
    ).toBe(409);
    const mine = await call(u.supervisor, 'POST', '/api/canned-replies', {
      shortcut: 'refund',
      text: 'Refunds take 5 days',
      team_id: teams[0]!.id,
    });
    const theirs = await call(u.supervisor, 'POST', '/api/canned-replies', {
      shortcut: 'invoice',
      text: 'Invoice sent',
      team_id: other.id,
    });
    expect([mine.statusCode, theirs.statusCode]).toEqual([201, 201]);
    const shortcuts = async (user: TestUser) =>
      ((await call(user, 'GET', '/api/canned-replies')).json().data as { shortcut: string }[]).map(
        (r) => r.shortcut,
      );
    expect(await shortcuts(u.agent)).toEqual(['hello', 'refund']);
    expect(await shortcuts(u.supervisor)).toEqual(['hello', 'invoice', 'refund']);
    const edited = await call(u.supervisor, 'PATCH', `/api/canned-replies/${global.json().id}`, {
      text: 'Hi there!',
    });
    expect(edited.json().text).toBe('Hi there!');
    expect((await call(u.supervisor, 'DELETE', `/api/canned-replies/${theirs.json().id}`)).statusCode).toBe(
      204,
    );
    expect(await shortcuts(u.supervisor)).toEqual(['hello', 'refund']);
    // An agent can belong to several teams.
    const joined = await call(u.admin, 'POST', `/api/teams/${other.id}/members`, { user_id: u.agent.id });
    expect(joined.json().member_ids).toEqual([u.agent.id]);
    const me = (await call(u.agent, 'GET', '/api/me')).json();
    expect(me.user.team_ids).toEqual([teams[0]!.id, other.id].sort());
    const left = await call(u.admin, 'DELETE', `/api/teams/${other.id}/members/${u.agent.id}`);
    expect(left.json().member_ids).toEqual([]);
  });

  it('updates contact attributes for the contact panel', async () => {
    const url = `/api/contacts/${seed.contactA}`;
    expect(
      (await call(u.agent, 'PATCH', url, { attributes: { tier: 'gold', orders: 3 } })).json().attributes,
    ).toEqual({
      tier: 'gold',
      orders: 3,
    });
    expect(
      (await call(u.agent, 'PATCH', url, { attributes: { orders: null, vip: true } })).json().attributes,
    ).toEqual({
      tier: 'gold',
      vip: true,
    });
  });

  it('gives supervisors counts by status and assignee and each agent’s load', async () => {
    await call(u.supervisor, 'PATCH', conv(), { assignee_user_id: u.agent.id, status: 'open' });
    const res = await call(u.supervisor, 'GET', '/api/supervisor/overview');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.by_status).toEqual({ open: 1, pending: 0, resolved: 0 });
    expect(body.by_assignee).toEqual([{ assignee_user_id: u.agent.id, open: 1, pending: 0, resolved: 0 }]);
    const load = Object.fromEntries(
      (body.agents as { id: string; load: number }[]).map((a) => [a.id, a.load]),
    );
    expect(load[u.agent.id]).toBe(1);
    expect(load[u.agent2.id]).toBe(0);
    expect(load[u.auditor.id]).toBeUndefined();
    // The owner sees both business accounts.
    const all = (await call(u.owner, 'GET', '/api/supervisor/overview')).json();
    expect(all.by_status.open).toBe(2);
    expect(all.by_assignee).toContainEqual({ assignee_user_id: null, open: 1, pending: 0, resolved: 0 });
  });

  it('manages users and tokens: generated passwords, disabling ends sessions and tokens', async () => {
    const created = await call(u.admin, 'POST', '/api/users', {
      email: 'Temp@Example.test',
      name: 'Temp',
      role: 'agent',
    });
    expect(created.statusCode).toBe(201);
    const { user, password } = created.json();
    expect(user).toMatchObject({
      email: 'temp@example.test',
      role: 'agent',
      waba_ids: [WABA_A],
      mfa_enabled: false,
    });
    expect(password).toMatch(/^[\w-]{20}$/);
    expect(JSON.stringify(created.json())).not.toContain('argon2');
    expect(
      (await call(u.admin, 'POST', '/api/users', { email: 'temp@example.test', name: 'T', role: 'agent' }))
        .statusCode,
    ).toBe(409);

    const login = await fx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'temp@example.test', password },
    });
    expect(login.statusCode).toBe(200);

    const token = await call(u.admin, 'POST', '/api/tokens', { name: 'crm', role: 'supervisor' });
    expect(token.statusCode).toBe(201);
    const { id, token: secret, waba_id } = token.json();
    expect(waba_id).toBe(WABA_A);
    const listed = (await call(u.admin, 'GET', '/api/tokens')).json().data as {
      id: string;
      token?: string;
    }[];
    expect(listed.find((t) => t.id === id)).toBeDefined();
    expect(JSON.stringify(listed)).not.toContain(secret);
    const viaToken = await fx.app.inject({
      method: 'GET',
      url: '/api/supervisor/overview',
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(viaToken.statusCode).toBe(200);
    expect(
      (
        await fx.app.inject({
          method: 'GET',
          url: '/api/users',
          headers: { authorization: `Bearer ${secret}` },
        })
      ).statusCode,
    ).toBe(403);
    expect((await call(u.admin, 'DELETE', `/api/tokens/${id}`)).statusCode).toBe(204);
    expect(
      (await fx.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${secret}` } }))
        .statusCode,
    ).toBe(401);

    const cookie = (login.headers['set-cookie'] as string[]).map((c) => c.split(';')[0]).join('; ');
    expect((await fx.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode).toBe(
      200,
    );
    expect((await call(u.admin, 'DELETE', `/api/users/${user.id}`)).statusCode).toBe(204);
    expect((await fx.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode).toBe(
      401,
    );
    const relogin = await fx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'temp@example.test', password },
    });
    expect(relogin.json().error.code).toBe('LOGIN_FAILED');
  });
});
