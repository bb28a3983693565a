import { afterEach, describe, expect, it } from 'vitest';
import { createApiToken } from '../auth/api-tokens.ts';
import type { Role, TokenScope } from '../auth/principal.ts';
import { testDialects } from '../testing/databases.ts';
import { NUMBER, OTHER_NUMBER, OTHER_WABA, seedInbox, WABA } from '../testing/seed.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests read loosely typed API answers.
type Loose = any;

/** The Integration API (`docs/integrations.md`): contacts CRUD, scoped tokens, per-token rate limits. */
describe.each(testDialects)('the Integration API (%s)', (dialect) => {
  let h: TestApp;
  afterEach(async () => {
    await h?.close();
  });

  const token = async (input: {
    scope?: TokenScope;
    role?: Role;
    wabaId?: string | null;
    rateLimitPerMinute?: number;
  }) =>
    (
      await createApiToken(h.db, {
        name: 'crm',
        role: input.role ?? 'admin',
        scope: input.scope ?? 'admin',
        wabaId: input.wabaId ?? null,
        ...(input.rateLimitPerMinute ? { rateLimitPerMinute: input.rateLimitPerMinute } : {}),
        now: h.clock.now(),
      })
    ).token;
  const call = (bearer: string, method: string, url: string, payload?: unknown) =>
    h.app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${bearer}` },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });

  it('creates, reads, renames, sets attributes of and deletes a contact', async () => {
    h = await buildTestApp(dialect);
    await seedInbox(h.deps);
    const crm = await token({ scope: 'send', wabaId: WABA });
    const created = await call(crm, 'POST', '/api/contacts', {
      phone_number_id: NUMBER,
      wa_id: '+1 650 555 0100',
      name: 'Carla Gómez',
      attributes: { crm_id: 'C-42', vip: true },
    });
    expect(created.statusCode).toBe(201);
    const contact = created.json() as Loose;
    expect(contact).toMatchObject({
      phone_number_id: NUMBER,
      wa_id: '16505550100',
      display_name: 'Carla Gómez',
      attributes: { crm_id: 'C-42', vip: true },
    });
    // The same number twice is a conflict, with a stable code.
    const again = await call(crm, 'POST', '/api/contacts', { phone_number_id: NUMBER, wa_id: '16505550100' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('CONFLICT');
    // Bad input is a JSON error, not a crash.
    const bad = await call(crm, 'POST', '/api/contacts', { phone_number_id: NUMBER, wa_id: 'not-a-phone' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');

    const patched = await call(crm, 'PATCH', `/api/contacts/${contact.id}`, {
      name: 'Carla G.',
      attributes: { vip: null, tier: 'gold' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      display_name: 'Carla G.',
      attributes: { crm_id: 'C-42', tier: 'gold' },
    });
    expect(patched.json().attributes).not.toHaveProperty('vip');
    expect((await call(crm, 'GET', `/api/contacts/${contact.id}`)).json().display_name).toBe('Carla G.');

    // A contact with a conversation is kept; one without is deleted.
    const withConversation = await call(crm, 'DELETE', '/api/contacts/contact-a');
    expect(withConversation.statusCode).toBe(409);
    expect(withConversation.json().error.code).toBe('CONTACT_HAS_CONVERSATIONS');
    expect((await call(crm, 'DELETE', `/api/contacts/${contact.id}`)).statusCode).toBe(204);
    expect((await call(crm, 'GET', `/api/contacts/${contact.id}`)).statusCode).toBe(404);
    const facts = await h.db
      .selectFrom('domain_events')
      .select(['fact', 'payload_json'])
      .where('fact', 'in', ['contact.created', 'contact.changed'])
      .orderBy('id')
      .execute();
    expect(facts.map((f) => [f.fact, (JSON.parse(f.payload_json) as Loose).change ?? null])).toEqual([
      ['contact.created', null],
      ['contact.changed', 'name'],
      ['contact.changed', 'attributes'],
      ['contact.changed', 'deleted'],
    ]);
  });

  it('keeps a token to its business account', async () => {
    h = await buildTestApp(dialect);
    await seedInbox(h.deps);
    const crm = await token({ wabaId: WABA });
    const other = await call(crm, 'POST', '/api/contacts', {
      phone_number_id: OTHER_NUMBER,
      wa_id: '16505550101',
    });
    expect(other.statusCode).toBe(404);
    expect((await call(crm, 'DELETE', '/api/contacts/contact-b')).statusCode).toBe(404);
    expect((await call(crm, 'PATCH', '/api/contacts/contact-b', { name: 'x' })).statusCode).toBe(404);
    const list = (await call(crm, 'GET', '/api/conversations')).json() as Loose;
    expect(list.data.map((c: Loose) => c.id)).toEqual(['conversation-a']);
    // And an auditor's token writes nothing, whatever its scope.
    const auditor = await token({ role: 'auditor', wabaId: OTHER_WABA });
    const denied = await call(auditor, 'POST', '/api/contacts', {
      phone_number_id: OTHER_NUMBER,
      wa_id: '16505550102',
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('FORBIDDEN');
  });

  it('limits each scope: read reads, send also sends and acts, admin administers', async () => {
    h = await buildTestApp(dialect);
    await seedInbox(h.deps);
    const read = await token({ scope: 'read' });
    const send = await token({ scope: 'send' });
    const admin = await token({ scope: 'admin' });
    const newContact = (wa: string) => ({ phone_number_id: NUMBER, wa_id: wa });

    expect((await call(read, 'GET', '/api/contacts')).statusCode).toBe(200);
    expect((await call(read, 'GET', '/api/conversations/conversation-a/messages')).statusCode).toBe(200);
    const refused = await call(read, 'POST', '/api/contacts', newContact('16505550111'));
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('TOKEN_SCOPE_INSUFFICIENT');
    expect(
      (
        await call(read, 'POST', '/api/messages', {
          conversation_id: 'conversation-a',
          type: 'text',
          text: { body: 'hi' },
        })
      ).json().error.code,
    ).toBe('TOKEN_SCOPE_INSUFFICIENT');

    expect((await call(send, 'POST', '/api/contacts', newContact('16505550112'))).statusCode).toBe(201);
    const sent = await call(send, 'POST', '/api/messages', {
      conversation_id: 'conversation-a',
      type: 'text',
      text: { body: 'Your order shipped' },
    });
    expect(sent.statusCode).toBe(202);
    const webhook = await call(send, 'POST', '/api/integrations/webhooks', {
      url: 'https://crm.example.com/hooks',
      event_types: ['message.received'],
    });
    expect(webhook.statusCode).toBe(403);
    expect(webhook.json().error.code).toBe('TOKEN_SCOPE_INSUFFICIENT');
    expect((await call(send, 'POST', '/api/tokens', { name: 'x' })).json().error.code).toBe(
      'TOKEN_SCOPE_INSUFFICIENT',
    );

    expect((await call(admin, 'POST', '/api/tokens', { name: 'x', scope: 'read' })).statusCode).toBe(201);
    const listed = (await call(admin, 'GET', '/api/tokens')).json() as Loose;
    expect(listed.data.find((t: Loose) => t.name === 'x')).toMatchObject({
      scope: 'read',
      rate_limit_per_minute: 6_000,
    });
  });

  it('answers 429 RATE_LIMITED with Retry-After past a token’s own limit, and counts tokens apart', async () => {
    h = await buildTestApp(dialect);
    await seedInbox(h.deps);
    const slow = await token({ scope: 'read', rateLimitPerMinute: 3 });
    const other = await token({ scope: 'read', rateLimitPerMinute: 3 });
    for (let i = 0; i < 3; i++) {
      const ok = await call(slow, 'GET', '/api/contacts');
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['x-ratelimit-limit']).toBe('3');
    }
    const limited = await call(slow, 'GET', '/api/contacts');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(limited.json().error.details.limit_per_minute).toBe(3);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another token has its own budget; a bad token is a 401, not a count.
    expect((await call(other, 'GET', '/api/contacts')).statusCode).toBe(200);
    expect((await call('cx_not-a-token', 'GET', '/api/contacts')).statusCode).toBe(401);
    // The limit is set per token on creation.
    const admin = await token({ scope: 'admin' });
    const created = await call(admin, 'POST', '/api/tokens', {
      name: 'bulk',
      scope: 'send',
      rate_limit_per_minute: 1200,
    });
    expect(created.json()).toMatchObject({ scope: 'send', rate_limit_per_minute: 1200 });
  });

  it('documents every Integration API route in the OpenAPI document with request and response schemas', async () => {
    h = await buildTestApp(dialect);
    const doc = (await h.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as Loose;
    const contacts = doc.paths['/api/contacts'];
    expect(contacts.post.requestBody.content['application/json'].schema).toBeDefined();
    expect(contacts.post.responses['201']).toBeDefined();
    expect(doc.paths['/api/contacts/{id}'].delete.responses['204']).toBeDefined();
    expect(doc.paths['/api/contacts/{id}'].patch.requestBody).toBeDefined();
    expect(doc.paths['/api/numbers/{id}/sync-health'].get.responses['200']).toBeDefined();
    const tokenBody = JSON.stringify(doc.paths['/api/tokens'].post.requestBody);
    expect(tokenBody).toContain('rate_limit_per_minute');
    expect(tokenBody).toContain('scope');
  });
});
