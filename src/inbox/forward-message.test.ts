import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../testing/databases.ts';
import { createTestUser, NUMBER, seedInbox, seedMessage, type TestUser } from '../testing/seed.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';

describe.each(testDialects)('forwarding a message on %s', (dialect) => {
  let t: TestApp;
  let owner: TestUser;
  let agent: TestUser;
  let seed: Awaited<ReturnType<typeof seedInbox>>;

  beforeAll(async () => {
    t = await buildTestApp(dialect);
    seed = await seedInbox(t.deps);
    owner = await createTestUser(t.deps, { role: 'owner' });
    agent = await createTestUser(t.deps, { role: 'agent' });
    const base = { phone_number_id: NUMBER, conversation_id: seed.conversationA, contact_id: seed.contactA };
    await seedMessage(t.db, {
      id: 'm-text',
      ...base,
      content_json: JSON.stringify({ body: 'Order A-1042 is ready' }),
    });
    await seedMessage(t.db, {
      id: 'm-place',
      ...base,
      type: 'location',
      content_json: JSON.stringify({ latitude: 40.4, longitude: -3.7 }),
    });
  });
  afterAll(async () => t?.close());

  const forward = (user: TestUser, id: string, conversationId: string) =>
    t.app.inject({
      method: 'POST',
      url: `/api/messages/${id}/forward`,
      headers: { authorization: `Bearer ${user.token}` },
      payload: { conversation_id: conversationId },
    });

  it('sends a copy of a text message in the other conversation, through the outbox', async () => {
    const res = await forward(owner, 'm-text', seed.conversationB);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({
      conversation_id: seed.conversationB,
      direction: 'outbound',
      type: 'text',
      status: 'queued',
    });
    const row = await t.db
      .selectFrom('messages')
      .select(['content_json', 'conversation_id'])
      .where('id', '=', res.json().id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.content_json)).toMatchObject({ body: 'Order A-1042 is ready' });
    expect(
      await t.db
        .selectFrom('outbox_jobs')
        .select('message_id')
        .where('message_id', '=', res.json().id)
        .execute(),
    ).toHaveLength(1);
  });

  it('refuses what it cannot forward, and conversations the caller cannot see', async () => {
    const place = await forward(owner, 'm-place', seed.conversationB);
    expect(place.statusCode).toBe(400);
    expect(place.json().error.code).toBe('VALIDATION_FAILED');
    // The agent sees only the first business account.
    expect((await forward(agent, 'm-text', seed.conversationB)).statusCode).toBe(404);
    expect((await forward(agent, 'no-such', seed.conversationA)).statusCode).toBe(404);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/messages/m-text/forward',
      headers: { authorization: `Bearer ${agent.token}` },
      payload: {},
    });
    expect(bad.statusCode).toBe(400);
  });
});
