import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../testing/databases.ts';
import { createTestUser, OTHER_WABA, seedInbox, type TestUser } from '../testing/seed.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';

describe.each(testDialects)('@mentions in internal notes on %s', (dialect) => {
  let t: TestApp;
  let seed: Awaited<ReturnType<typeof seedInbox>>;
  let author: TestUser;
  let colleague: TestUser;
  let outsider: TestUser;
  let auditor: TestUser;

  beforeAll(async () => {
    t = await buildTestApp(dialect);
    seed = await seedInbox(t.deps);
    author = await createTestUser(t.deps, { role: 'agent' });
    colleague = await createTestUser(t.deps, { role: 'agent' });
    outsider = await createTestUser(t.deps, { role: 'agent', wabaIds: [OTHER_WABA] });
    auditor = await createTestUser(t.deps, { role: 'auditor' });
  });
  afterAll(async () => t?.close());

  const call = (user: TestUser, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${user.token}` },
      ...(payload ? { payload } : {}),
    });
  const notes = (conversationId: string) => `/api/conversations/${conversationId}/notes`;

  it('stores who a note mentions, notifies them by an event and lists it among their mentions until seen', async () => {
    const created = await call(author, 'POST', notes(seed.conversationA), {
      body: '@colleague can you call her back?',
      mention_user_ids: [colleague.id, author.id],
    });
    expect(created.statusCode).toBe(201);
    // One's own name is no mention.
    expect(created.json().mentions).toEqual([{ user_id: colleague.id, name: expect.any(String) }]);
    const listed = (await call(colleague, 'GET', notes(seed.conversationA))).json();
    expect(listed.data[0].mentions).toEqual([{ user_id: colleague.id, name: expect.any(String) }]);

    const events = await t.db
      .selectFrom('domain_events')
      .select(['type', 'payload_json'])
      .where('fact', '=', 'conversation.mentioned')
      .execute();
    expect(events.map((e) => ({ type: e.type, ...JSON.parse(e.payload_json) }))).toEqual([
      {
        type: 'conversation.changed',
        conversation_id: seed.conversationA,
        note_id: created.json().id,
        user_id: colleague.id,
        actor: { kind: 'token', id: expect.any(String) },
      },
    ]);

    const mine = (await call(colleague, 'GET', '/api/me/mentions')).json();
    expect(mine.unread_count).toBe(1);
    expect(mine.data).toEqual([
      expect.objectContaining({
        conversation_id: seed.conversationA,
        body: '@colleague can you call her back?',
        author: { id: author.id, name: expect.any(String) },
        contact_name: 'Ana',
        read_at: null,
      }),
    ]);
    expect((await call(author, 'GET', '/api/me/mentions')).json().data).toEqual([]);

    const read = await call(colleague, 'POST', '/api/me/mentions/read', {
      conversation_id: seed.conversationA,
    });
    expect(read.json()).toEqual({ marked: 1, unread_count: 0 });
    expect((await call(colleague, 'GET', '/api/me/mentions?unread=true')).json().data).toEqual([]);
    expect((await call(colleague, 'GET', '/api/me/mentions')).json().data[0].read_at).not.toBeNull();
  });

  it('refuses to mention someone who cannot see the conversation, and saves nothing then', async () => {
    for (const user of [outsider, auditor]) {
      const res = await call(author, 'POST', notes(seed.conversationA), {
        body: 'hello',
        mention_user_ids: [user.id],
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: { missing: [user.id] } });
    }
    expect(
      (await call(author, 'POST', notes(seed.conversationA), { body: 'x', mention_user_ids: 'no' }))
        .statusCode,
    ).toBe(400);
    const bodies = (await call(author, 'GET', notes(seed.conversationA)))
      .json()
      .data.map((n: { body: string }) => n.body);
    expect(bodies).not.toContain('hello');
    // Mentions of a conversation one cannot see are not marked either.
    expect(
      (await call(outsider, 'POST', '/api/me/mentions/read', { conversation_id: seed.conversationA }))
        .statusCode,
    ).toBe(404);
  });

  it('keeps each user’s notification settings, on by default', async () => {
    expect((await call(colleague, 'GET', '/api/me/notification-settings')).json()).toEqual({
      notifications: true,
      sound: true,
    });
    expect(
      (await call(colleague, 'PATCH', '/api/me/notification-settings', { sound: false })).json(),
    ).toEqual({
      notifications: true,
      sound: false,
    });
    expect(
      (await call(colleague, 'PATCH', '/api/me/notification-settings', { notifications: false })).json(),
    ).toEqual({
      notifications: false,
      sound: false,
    });
    expect((await call(colleague, 'GET', '/api/me/notification-settings')).json()).toEqual({
      notifications: false,
      sound: false,
    });
    expect((await call(author, 'GET', '/api/me/notification-settings')).json().sound).toBe(true);
    expect((await call(colleague, 'PATCH', '/api/me/notification-settings', {})).statusCode).toBe(400);
  });
});
