import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../auth/api-tokens.ts';
import type { GraphClient } from '../graph/graph-client.ts';
import { signBody } from '../meta-webhooks/webhook.endpoint.ts';
import { testDialects } from '../testing/databases.ts';
import { type OutboundEnv, startOutboundEnv, WABA } from '../testing/sandbox-env.ts';
import { syncTemplates } from './template-sync.ts';

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

  it('a deleted template ignores a late status webhook and a list read before the deletion', async () => {
    const created = await env.api('POST', '/api/templates', {
      waba_id: WABA,
      name: 'promo_late_status',
      language: 'en_US',
      category: 'MARKETING',
      body: { text: 'Hi {{1}}, 20% off today.', examples: ['Ana'] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.data.id;
    const approved = await env.waitFor(async () => {
      const r = await env.api('GET', `/api/templates/${id}`);
      return r.body.data.status === 'APPROVED' ? r.body.data : null;
    }, 'approval');
    expect((await env.api('DELETE', `/api/templates/${id}`)).status).toBe(204);
    const before = (await env.api('GET', `/api/templates/${id}/history`)).body.data;
    expect(before.map((h: { action: string }) => h.action)).toEqual(['deleted', 'status', 'created']);

    // A review result Meta sent before it learnt of the deletion, stamped after it (the flaky case),
    // then a pause: both must leave the deleted template alone.
    const late = (event: string, time: number) =>
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: WABA,
            time,
            changes: [
              {
                field: 'message_template_status_update',
                value: {
                  event,
                  message_template_id: Number(approved.meta_template_id),
                  message_template_name: 'promo_late_status',
                  message_template_language: 'en_US',
                  reason: 'NONE',
                  message_template_category: 'MARKETING',
                },
              },
            ],
          },
        ],
      });
    const after = Math.floor(Date.now() / 1000) + 5;
    for (const body of [late('APPROVED', after), late('PAUSED', after + 1)]) {
      const res = await fetch(`${env.hub.url}/webhooks/meta`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': signBody(env.sandbox.options.appSecret, body),
        },
        body,
      });
      expect(res.status).toBe(200);
    }
    await env.waitFor(async () => {
      const pending = await env.db.db
        .selectFrom('webhook_events')
        .select('id')
        .where('state', '=', 'pending')
        .where('body', 'like', '%promo_late_status%')
        .execute();
      const all = await env.db.db
        .selectFrom('webhook_events')
        .select('id')
        .where('body', 'like', '%promo_late_status%')
        .where('body', 'like', '%PAUSED%')
        .execute();
      return all.length > 0 && pending.length === 0;
    }, 'the late webhooks applied');

    // The sync's list read just before the deletion still carries the template as APPROVED.
    const staleList: Pick<GraphClient, 'listTemplates'> = {
      listTemplates: async () => ({
        ok: true,
        value: [
          {
            id: approved.meta_template_id,
            name: 'promo_late_status',
            language: 'en_US',
            status: 'APPROVED',
            category: 'MARKETING',
            parameterFormat: 'POSITIONAL',
            components: approved.components,
            rejectedReason: 'NONE',
          },
        ],
      }),
    };
    const synced = await syncTemplates(
      { db: env.db.db, graph: staleList as GraphClient, now: Date.now() },
      WABA,
    );
    expect(synced.ok).toBe(true);

    expect((await env.api('GET', `/api/templates/${id}`)).body.data.status).toBe('DELETED');
    const history = (await env.api('GET', `/api/templates/${id}/history`)).body.data;
    expect(history.map((h: { action: string }) => h.action)).toEqual(['deleted', 'status', 'created']);
    expect((await env.api('GET', '/api/templates?name=promo_late_status')).body.data).toEqual([]);
  });
});
