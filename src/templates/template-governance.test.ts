import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../auth/api-tokens.ts';
import { testDialects } from '../testing/databases.ts';
import { type OutboundEnv, startOutboundEnv, WABA } from '../testing/sandbox-env.ts';

const ORDER_UPDATE = {
  waba_id: WABA,
  name: 'order_update_named',
  language: 'en_US',
  category: 'UTILITY',
  parameter_format: 'named',
  header: { format: 'TEXT', text: 'Order {{order_id}}', examples: { order_id: 'A-17' } },
  body: {
    text: 'Hi {{first_name}}, your order ships on {{date}}. Thanks!',
    examples: { first_name: 'Ana', date: 'May 2' },
  },
  footer: { text: 'Reply STOP to opt out' },
  buttons: [
    { type: 'QUICK_REPLY', text: 'Thanks' },
    { type: 'URL', text: 'Track', url: 'https://shop.test/track/{{1}}', example: 'A-17' },
    { type: 'PHONE_NUMBER', text: 'Call us', phone_number: '+15551234567' },
    { type: 'COPY_CODE', example: 'SAVE10' },
  ],
};

describe.each(testDialects)('template governance against the sandbox (%s)', (dialect) => {
  let env: OutboundEnv;
  beforeAll(async () => {
    env = await startOutboundEnv(dialect, { sandbox: { templateReview: { delayMs: 300 } } });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('creates a template, follows its review to APPROVED from the webhook, and records who did it', async () => {
    const created = await env.api('POST', '/api/templates', ORDER_UPDATE);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.data).toMatchObject({
      name: 'order_update_named',
      status: 'PENDING',
      category: 'UTILITY',
    });
    const components = created.body.data.components;
    expect(components.map((c: { type: string }) => c.type)).toEqual(['HEADER', 'BODY', 'FOOTER', 'BUTTONS']);
    expect(components[1].example.body_text_named_params).toEqual([
      { param_name: 'first_name', example: 'Ana' },
      { param_name: 'date', example: 'May 2' },
    ]);
    const id = created.body.data.id;
    const approved = await env.waitFor(async () => {
      const r = await env.api('GET', `/api/templates/${id}`);
      return r.body.data.status === 'APPROVED' ? r.body.data : null;
    }, 'the review result');
    expect(approved.meta_template_id).toMatch(/^\d+$/);
    const history = await env.api('GET', `/api/templates/${id}/history`);
    expect(history.body.data.map((h: { action: string }) => h.action)).toEqual(['status', 'created']);
    expect(history.body.data[1].actor.kind).toBe('token');
    expect(history.body.data[0]).toMatchObject({
      actor: { kind: 'system' },
      details: { from: 'PENDING', to: 'APPROVED' },
    });
    const events = await env.db.db
      .selectFrom('domain_events')
      .select(['fact', 'payload_json'])
      .where('fact', '=', 'template.changed')
      .execute();
    expect(events.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses a definition whose variables have no examples, naming each problem', async () => {
    const bad = await env.api('POST', '/api/templates', {
      ...ORDER_UPDATE,
      name: 'bad_examples',
      parameter_format: 'positional',
      header: null,
      body: { text: 'Hi {{1}}, see {{3}} here', examples: ['Ana'] },
      buttons: [],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.details.problems).toEqual([
      'body: positional variables must be {{1}} to {{2}} without gaps',
      'body: give 2 example value(s), one per variable',
    ]);
  });

  it('edits back through review, deletes at Meta, and only the roles of the policy table may', async () => {
    const created = await env.api('POST', '/api/templates', {
      waba_id: WABA,
      name: 'promo_edit_me',
      language: 'es',
      category: 'MARKETING',
      body: { text: 'Hola {{1}}, hoy 20% menos.', examples: ['Ana'] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.data.id;
    await env.waitFor(
      async () => (await env.api('GET', `/api/templates/${id}`)).body.data.status === 'APPROVED',
      'approval',
    );
    const edited = await env.api('PUT', `/api/templates/${id}`, {
      body: { text: 'Hola {{1}}, hoy 30% menos.', examples: ['Ana'] },
      footer: { text: 'Responde BAJA para no recibir más' },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.data.status).toBe('PENDING');
    await env.waitFor(
      async () => (await env.api('GET', `/api/templates/${id}`)).body.data.status === 'APPROVED',
      'the re-review',
    );

    const agent = await createApiToken(env.db.db, { name: 'agent', role: 'agent', now: Date.now() });
    const supervisor = await createApiToken(env.db.db, { name: 'sup', role: 'supervisor', now: Date.now() });
    const as = (token: string) => ({ authorization: `Bearer ${token}` });
    expect(
      (await env.api('POST', '/api/templates', { ...ORDER_UPDATE, name: 'x_agent' }, as(agent.token))).status,
    ).toBe(403);
    expect((await env.api('DELETE', `/api/templates/${id}`, undefined, as(supervisor.token))).status).toBe(
      403,
    );
    expect((await env.api('GET', `/api/templates/${id}`, undefined, as(agent.token))).status).toBe(200);

    const deleted = await env.api('DELETE', `/api/templates/${id}`);
    expect(deleted.status).toBe(204);
    const list = await env.api('GET', '/api/templates?name=promo_edit_me');
    expect(list.body.data).toEqual([]);
    const remote = await env.sandbox.control.templates();
    expect(remote.data.some((t: { name: string }) => t.name === 'promo_edit_me')).toBe(false);
    const history = await env.api('GET', `/api/templates/${id}/history`);
    expect(history.body.data.map((h: { action: string }) => h.action)).toEqual([
      'deleted',
      'status',
      'edited',
      'status',
      'created',
    ]);
  });
});
