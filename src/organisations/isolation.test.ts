import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../auth/api-tokens.ts';
import { hashPassword } from '../auth/passwords.ts';
import { policy, type RouteFamily, routeFamily } from '../auth/policy.ts';
import type { DomainEvent } from '../platform/events/catalogue.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { testDialects } from '../testing/databases.ts';
import {
  createTestUser,
  NUMBER,
  OTHER_NUMBER,
  OTHER_WABA,
  PASSWORD,
  seedInbox,
  seedMessage,
  WABA,
} from '../testing/seed.ts';
import { SseClient } from '../testing/sse-client.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';
import { insertUser } from '../users/users.repository.ts';

/*
 * Two organisations on one hub, each with its own WABA, number, contact, conversation, message and
 * users. Organisation A is the default one (WABA, NUMBER); organisation B owns OTHER_WABA. Every
 * route of the OpenAPI document, in every policy family, is called by B's owner with A's ids, and
 * nothing of A may come back or change; the event stream of B carries none of A's events.
 */

const ORG_B = 'org_b_isolation';

/** What identifies organisation A's rows: none may appear in anything B is answered. */
const A_MARKERS = [
  WABA,
  NUMBER,
  'conversation-a',
  'contact-a',
  '16505551234',
  'Ana',
  'secret-text-of-a',
  'shared-of-a',
];

type Route = { method: string; path: string };

describe.each(testDialects)('organisation isolation on %s', (dialect) => {
  let t: TestApp;
  let tokenB: string;
  let ownerA: { id: string; email: string; token: string };
  let routes: Route[];
  const idsOfA: Record<string, string> = {};

  beforeAll(async () => {
    t = await buildTestApp(dialect);
    await seedInbox(t.deps);
    await seedMessage(t.db, {
      id: 'message-a',
      phone_number_id: NUMBER,
      conversation_id: 'conversation-a',
      contact_id: 'contact-a',
      direction: 'inbound',
      type: 'text',
      content_json: JSON.stringify({ type: 'text', text: { body: 'secret-text-of-a' } }),
    });
    // While A is the only organisation, its owner makes rows for every number and every account.
    ownerA = await createTestUser(t.deps, { role: 'owner', email: 'owner-a@example.test' });
    const shared = async (url: string, payload: object) => {
      const res = await t.app.inject({
        method: 'POST',
        url,
        headers: { authorization: `Bearer ${ownerA.token}` },
        payload,
      });
      expect(res.statusCode, `${url} ${res.body}`).toBe(201);
    };
    await shared('/api/automation/rules', {
      name: 'rule shared-of-a',
      trigger: { type: 'customer_message' },
      actions: [{ type: 'send', content: { type: 'text', text: { body: 'hello' } } }],
    });
    await shared('/api/labels', { name: 'label shared-of-a' });
    await shared('/api/teams', { name: 'team shared-of-a' });
    await shared('/api/canned-replies', { shortcut: 'sharedofa', text: 'canned shared-of-a' });
    await shared('/api/knowledge', { question: 'question shared-of-a', answer: 'answer' });
    await shared('/api/routing/policies', { name: 'policy shared-of-a', strategy: 'balanced' });
    // Organisation B takes the second business account.
    const now = t.clock.now();
    await t.db
      .insertInto('organisations')
      .values({ id: ORG_B, name: 'B Ltd', created_by: null, created_at: now, updated_at: now })
      .execute();
    await t.db.updateTable('wabas').set({ organisation_id: ORG_B }).where('id', '=', OTHER_WABA).execute();
    const ownerB = await insertUser(t.db, {
      email: 'owner-b@example.test',
      name: 'Owner B',
      role: 'owner',
      passwordHash: await hashPassword(PASSWORD),
      wabaIds: null,
      now,
      organisationId: ORG_B,
    });
    tokenB = (
      await createApiToken(t.db, { name: 'b', userId: ownerB.id, organisationId: ORG_B, role: 'owner', now })
    ).token;
    // A's rows of other kinds, created by A's owner through the API.
    const as = (method: 'POST' | 'PUT', url: string, payload: unknown) =>
      t.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${ownerA.token}` },
        payload: payload as object,
      });
    const team = await as('POST', '/api/teams', { name: 'Team of A', waba_id: WABA });
    idsOfA.team = team.json().id;
    const label = await as('POST', '/api/labels', { name: 'label-of-a', waba_id: WABA });
    idsOfA.label = label.json().id;
    const invitation = await as('POST', '/api/invitations', { email: 'new-a@example.test', role: 'agent' });
    idsOfA.invitation = invitation.json().id;
    idsOfA.user = ownerA.id;
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => ({ method: m.toUpperCase(), path })),
    );
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  /** A's id for a path parameter, by the resource the path names. */
  function idFor(path: string, param: string): string {
    const segment = path.split('/')[2] ?? '';
    if (/phone|number/i.test(param) || segment === 'numbers' || segment === 'sync-health') return NUMBER;
    if (/waba/i.test(param)) return WABA;
    if (/contact/i.test(param) || segment === 'contacts') return 'contact-a';
    if (/message/i.test(param) || segment === 'messages' || segment === 'media') return 'message-a';
    if (segment === 'teams') return idsOfA.team!;
    if (segment === 'labels') return idsOfA.label!;
    if (segment === 'users') return idsOfA.user!;
    if (segment === 'invitations') return idsOfA.invitation!;
    if (segment === 'organisations') return 'org_default';
    return 'conversation-a';
  }

  const fill = (path: string) => path.replace(/\{([^}]+)\}/g, (_, p: string) => idFor(path, p));

  const snapshotOfA = async () => ({
    conversations: await t.db
      .selectFrom('conversations')
      .selectAll()
      .where('phone_number_id', '=', NUMBER)
      .execute(),
    contacts: await t.db.selectFrom('contacts').selectAll().where('phone_number_id', '=', NUMBER).execute(),
    messages: await t.db
      .selectFrom('messages')
      .select(['id', 'status', 'content_json', 'edited_content_json', 'deleted_at'])
      .where('phone_number_id', '=', NUMBER)
      .execute(),
    number: await t.db.selectFrom('phone_numbers').selectAll().where('id', '=', NUMBER).execute(),
    waba: await t.db.selectFrom('wabas').selectAll().where('id', '=', WABA).execute(),
    teams: await t.db.selectFrom('teams').selectAll().where('waba_id', '=', WABA).execute(),
    labels: await t.db.selectFrom('labels').selectAll().where('waba_id', '=', WABA).execute(),
    users: await t.db
      .selectFrom('users')
      .select(['id', 'role', 'disabled_at', 'password_hash'])
      .where('id', '=', ownerA.id)
      .execute(),
    members: await t.db
      .selectFrom('organisation_members')
      .selectAll()
      .where('organisation_id', '=', 'org_default')
      .orderBy('user_id')
      .execute(),
    invitations: await t.db
      .selectFrom('organisation_invitations')
      .select(['id', 'revoked_at'])
      .where('id', '=', idsOfA.invitation!)
      .execute(),
  });

  it('B sees its own data, so the walk below proves something', async () => {
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/conversations',
      headers: { authorization: `Bearer ${tokenB}` },
    });
    expect(list.statusCode).toBe(200);
    expect((list.json().data as { id: string }[]).map((c) => c.id)).toEqual(['conversation-b']);
    const numbers = await t.app.inject({
      method: 'GET',
      url: '/api/numbers',
      headers: { authorization: `Bearer ${tokenB}` },
    });
    expect((numbers.json().data as { id: string }[]).map((n) => n.id)).toEqual([OTHER_NUMBER]);
  });

  it('every route of every policy family shows and changes nothing of the other organisation', async () => {
    const before = await snapshotOfA();
    const families = new Set<RouteFamily>();
    const leaks: string[] = [];
    const reached: string[] = [];
    // Reads first, then writes, deletes last (so a write cannot hide behind a deleted row).
    const order = (r: Route) => (r.method === 'GET' ? 0 : r.method === 'DELETE' ? 2 : 1);
    for (const route of [...routes].sort((a, b) => order(a) - order(b))) {
      if (!route.path.startsWith('/api/')) continue;
      const url = fill(route.path);
      families.add(routeFamily(route.method, route.path.replace(/\{[^}]+\}/g, ':p')));
      if (route.path === '/api/events') continue; // the stream, below; its JSON form is walked next
      const res = await t.app.inject({
        method: route.method as 'GET',
        url,
        headers: { authorization: `Bearer ${tokenB}` },
        ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
      });
      // A refusal may echo the id it was asked for ("No such flow x"): that tells B nothing new.
      let body = res.body;
      if (res.statusCode >= 400) for (const id of url.split(/[/?]/)) if (id) body = body.split(id).join('');
      for (const marker of A_MARKERS) {
        if (body.includes(marker))
          leaks.push(`${route.method} ${url} answered ${res.statusCode} with ${marker}`);
      }
      // A route naming one of A's rows must not succeed for B.
      if (/\{/.test(route.path) && res.statusCode < 300 && route.method !== 'GET') {
        reached.push(`${route.method} ${url} → ${res.statusCode}`);
      }
    }
    const events = await t.app.inject({
      method: 'GET',
      url: '/api/events?since=0',
      headers: { authorization: `Bearer ${tokenB}` },
    });
    for (const marker of A_MARKERS)
      if (events.body.includes(marker)) leaks.push(`events?since=0 with ${marker}`);
    expect(leaks).toEqual([]);
    expect(reached).toEqual([]);
    expect(await snapshotOfA()).toEqual(before);
    // Every family of the policy table was walked (public and provider included), so a new route
    // in any family is walked too; a family no route uses would be dead weight in the table.
    expect([...families].sort()).toEqual(
      (Object.keys(policy) as RouteFamily[]).filter((f) => families.has(f) || f !== 'public').sort(),
    );
  }, 600_000);

  it("B's event stream carries B's events and none of A's", async () => {
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const stream = await SseClient.open(`${url}/api/events`, { authorization: `Bearer ${tokenB}` });
    try {
      await stream.comment('connected');
      const record = async (phoneNumberId: string | null, marker: string) => {
        const event = {
          type: 'message.received',
          phoneNumberId,
          payload: { marker },
        } as unknown as DomainEvent;
        await t.db.transaction().execute(async (trx) => {
          await recordEvent(trx, event, t.clock.now());
        });
        t.deps.signals.emit('events');
      };
      await record(NUMBER, 'event-of-a');
      await record(null, 'event-of-the-hub');
      await record(OTHER_NUMBER, 'event-of-b');
      const [first] = await stream.events(1);
      expect(JSON.parse(first!.data ?? '{}').payload.marker).toBe('event-of-b');
      expect(
        stream.all().some((f) => f.data?.includes('event-of-a') || f.data?.includes('event-of-the-hub')),
      ).toBe(false);
    } finally {
      stream.close();
    }
  });

  it('a session switches only to its own organisations', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/me/organisation',
      headers: { authorization: `Bearer ${tokenB}` },
      payload: { organisation_id: 'org_default' },
    });
    expect(res.statusCode).toBe(403);
  });
});
