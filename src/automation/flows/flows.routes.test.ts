import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../testing/databases.ts';
import { createTestUser, NUMBER, seedInbox } from '../../testing/seed.ts';
import { buildTestApp, type TestApp } from '../../testing/test-app.ts';
import { welcomeFlowDefinition } from './demo-seed.ts';

const text = (body: string) => ({ type: 'text', text: { body } });
// The demo's welcome flow (what `npm start` runs), without its Sales team.
const definition = welcomeFlowDefinition(null);
const stepIndex = (id: string) => definition.steps.findIndex((s) => s.id === id);

describe.each(testDialects)('flows API on %s', (dialect) => {
  let t: TestApp;
  let admin: string;
  beforeEach(async () => {
    t = await buildTestApp(dialect);
    await seedInbox(t.deps);
    admin = await t.token();
  });
  afterEach(async () => t.close());

  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    token: string,
    payload?: unknown,
  ) =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  it('creates a flow, publishes a version on edit, lists versions, and refuses a broken definition with its path', async () => {
    const created = await call('POST', '/api/flows', admin, {
      name: 'Welcome',
      phone_number_id: NUMBER,
      definition,
    });
    expect(created.statusCode).toBe(201);
    const flow = created.json();
    expect(flow).toMatchObject({ name: 'Welcome', version: 1, enabled: true });
    const edited = structuredClone(definition);
    (edited.steps[stepIndex('name')] as { prompt: unknown }).prompt = text('And your name?');
    const patched = await call('PATCH', `/api/flows/${flow.id}`, admin, { definition: edited });
    expect(patched.json().version).toBe(2);
    const versions = await call('GET', `/api/flows/${flow.id}/versions`, admin);
    expect(versions.json().data.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const v1 = await call('GET', `/api/flows/${flow.id}/versions/1`, admin);
    expect(v1.json().definition.steps[stepIndex('name')].prompt).toEqual(
      text('Happy to help! What is your name?'),
    );

    const broken = await call('POST', '/api/flows', admin, {
      name: 'Broken',
      definition: {
        start: 'nope',
        steps: [{ id: 'a', type: 'message', content: text('x'), next: 'missing' }],
      },
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(broken.json().error.details)).toContain('/steps/0/next');
  });

  it('dry-runs a flow step by step without sending anything', async () => {
    await call('POST', '/api/knowledge', admin, {
      phone_number_id: NUMBER,
      question: 'What are your opening hours?',
      answer: 'Mon-Fri 9-18.',
      keywords: 'hours open',
    });
    const start = await call('POST', '/api/flows/dry-run', admin, {
      definition,
      phone_number_id: NUMBER,
      input: { kind: 'start' },
    });
    expect(start.statusCode).toBe(200);
    const first = start.json();
    expect(first.effects.map((e: { kind: string }) => e.kind)).toEqual(['send']);
    expect(first.position).toMatchObject({ stepId: 'menu', waiting: 'answer' });
    const hours = await call('POST', '/api/flows/dry-run', admin, {
      definition,
      phone_number_id: NUMBER,
      position: first.position,
      input: { kind: 'message', text: 'Opening hours', reply_id: 'hours' },
    });
    expect(hours.json().effects).toEqual([
      { kind: 'set_attributes', step_id: 'menu', attributes: { menu_choice: 'hours' } },
      { kind: 'send', step_id: 'hours', content: text('Mon-Fri 9-18.') },
      {
        kind: 'send',
        step_id: 'anything_else',
        content: text('Anything else? Just write to us and a person will answer.'),
      },
    ]);
    expect(hours.json().position.status).toBe('completed');
    expect(await t.db.selectFrom('messages').select('id').where('origin', '=', 'bot').execute()).toEqual([]);
  });

  it('keeps the AI key write-only and encrypted; agents may not build flows, only admins set AI', async () => {
    const put = await call('PUT', `/api/ai-settings/${NUMBER}`, admin, {
      enabled: true,
      base_url: 'http://127.0.0.1:9/v1',
      model: 'm',
      api_key: 'sk-secret',
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ enabled: true, has_api_key: true });
    expect(JSON.stringify(put.json())).not.toContain('sk-secret');
    const agent = (await createTestUser(t.deps, { role: 'agent' })).token;
    expect((await call('POST', '/api/flows', agent, { name: 'x', definition })).statusCode).toBe(403);
    expect((await call('GET', '/api/flows', agent)).statusCode).toBe(200);
    const supervisor = (await createTestUser(t.deps, { role: 'supervisor' })).token;
    expect((await call('PUT', `/api/ai-settings/${NUMBER}`, supervisor, { enabled: false })).statusCode).toBe(
      403,
    );
    expect(
      (
        await call('POST', '/api/knowledge', supervisor, {
          phone_number_id: NUMBER,
          question: 'q',
          answer: 'a',
        })
      ).statusCode,
    ).toBe(201);
  });
});
