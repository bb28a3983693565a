import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { masterKeyringOf } from '../../platform/crypto/keyring.ts';
import { testDialects } from '../../testing/databases.ts';
import { seedInbox, seedMessage } from '../../testing/seed.ts';
import { buildTestApp, type TestApp } from '../../testing/test-app.ts';
import { saveAiSettings } from '../ai/ai-settings.ts';
import { createKbEntry } from '../knowledge/knowledge.repository.ts';
import { findFlow } from './flow.repository.ts';
import { createFlow, flowSigningSecret, updateFlow } from './flow-actions.ts';
import { flowCallJob } from './flow-call.job.ts';
import { onCustomerMessage, startFlow } from './runner.ts';

/** A stand-in HTTP server on 127.0.0.1; each test sets what it answers. */
type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let server: Server;
let handler: Handler = (_req, _body, res) => res.end('{}');
let base = '';
const seen: { headers: IncomingMessage['headers']; body: string; url: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      seen.push({ headers: req.headers, body, url: req.url ?? '' });
      handler(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const text = (body: string) => ({ type: 'text', text: { body } });

describe.each(testDialects)('flows on %s', (dialect) => {
  let t: TestApp;
  let conversationA: string;
  let conversationB: string;
  let n = 0;

  beforeEach(async () => {
    t = await buildTestApp(dialect, { env: { COEXIST_WEBHOOK_EGRESS_ALLOW: '127.0.0.0/8' } });
    ({ conversationA, conversationB } = await seedInbox(t.deps));
    seen.length = 0;
  });
  afterEach(async () => t.close());

  const inTrx = <T>(fn: (trx: TestApp['db']) => Promise<T>) => t.db.transaction().execute(fn);

  async function customerSays(conversationId: string, body: string | { id: string; title: string }) {
    const conv = await t.db
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', conversationId)
      .executeTakeFirstOrThrow();
    const id = `in-${++n}`;
    t.clock.advance(1_000);
    await seedMessage(t.db, {
      id,
      phone_number_id: conv.phone_number_id,
      conversation_id: conversationId,
      contact_id: conv.contact_id,
      timestamp: t.clock.now(),
      received_at: t.clock.now(),
      ...(typeof body === 'string'
        ? { content_json: JSON.stringify({ body }) }
        : {
            type: 'interactive',
            content_json: JSON.stringify({ type: 'button_reply', button_reply: body }),
          }),
    });
    return inTrx((trx) => onCustomerMessage(t.deps, trx, { conversationId, messageId: id }));
  }

  async function botSaid(conversationId: string): Promise<string[]> {
    const rows = await t.db
      .selectFrom('messages')
      .select(['content_json', 'type'])
      .where('conversation_id', '=', conversationId)
      .where('origin', '=', 'bot')
      .orderBy('seq')
      .execute();
    return rows.map((r) => {
      const c = JSON.parse(r.content_json);
      return r.type === 'text' ? c.body : `[${r.type}] ${c.body?.text ?? ''}`;
    });
  }

  const sessionOf = (conversationId: string) =>
    t.db
      .selectFrom('flow_sessions')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .orderBy('started_at', 'desc')
      .executeTakeFirstOrThrow();

  const create = (definition: unknown, extra: Record<string, unknown> = {}) =>
    inTrx((trx) =>
      createFlow(t.deps, trx, { name: 'Test', definition, actor: null, userId: null, ...extra }),
    );

  it('pins a conversation to the version it started on: an edit mid-conversation applies to new ones only', async () => {
    const v1 = {
      start: 'ask',
      steps: [
        { id: 'ask', type: 'ask', prompt: text('Your name?'), attribute: 'name', next: 'bye' },
        { id: 'bye', type: 'message', content: text('Thanks {{attributes.name}} (v1)') },
      ],
    };
    const flow = await create(v1);
    await inTrx((trx) =>
      startFlow(t.deps, trx, {
        conversationId: conversationA,
        flowId: flow.id,
        trigger: { kind: 'api', actor: null },
      }),
    );
    expect(await botSaid(conversationA)).toEqual(['Your name?']);

    const v2 = structuredClone(v1);
    v2.steps[0]!.prompt = text('What is your name?');
    (v2.steps[1] as { content: unknown }).content = text('Thanks {{attributes.name}} (v2)');
    const edited = await inTrx((trx) =>
      updateFlow(t.deps, trx, flow.id, { definition: v2, actor: null, userId: null }),
    );
    expect(edited.current_version).toBe(2);
    // Saving the same definition again publishes nothing.
    const same = await inTrx((trx) =>
      updateFlow(t.deps, trx, flow.id, { definition: v2, actor: null, userId: null }),
    );
    expect(same.current_version).toBe(2);

    expect(await customerSays(conversationA, 'Ana')).toBe(true);
    expect(await botSaid(conversationA)).toEqual(['Your name?', 'Thanks Ana (v1)']);
    expect(await sessionOf(conversationA)).toMatchObject({ version: 1, status: 'completed' });

    await inTrx((trx) =>
      startFlow(t.deps, trx, {
        conversationId: conversationB,
        flowId: flow.id,
        trigger: { kind: 'api', actor: null },
      }),
    );
    await customerSays(conversationB, 'Bruno');
    expect(await botSaid(conversationB)).toEqual(['What is your name?', 'Thanks Bruno (v2)']);
    expect(await sessionOf(conversationB)).toMatchObject({ version: 2, status: 'completed' });
    const contact = await t.db
      .selectFrom('contacts')
      .select('attributes_json')
      .where('id', '=', 'contact-a')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(contact.attributes_json)).toMatchObject({ name: 'Ana' });
  });

  it('validates answers, sends the retry prompt, and takes the invalid branch after the retries', async () => {
    const flow = await create({
      start: 'email',
      steps: [
        {
          id: 'email',
          type: 'ask',
          prompt: text('Email?'),
          attribute: 'email',
          validation: 'email',
          retry_prompt: 'That is not an email.',
          max_retries: 1,
          on_invalid: 'gave_up',
          next: 'when',
        },
        {
          id: 'when',
          type: 'ask',
          prompt: text('Date?'),
          attribute: 'visit',
          validation: 'date',
          next: 'size',
        },
        {
          id: 'size',
          type: 'ask',
          prompt: text('How many?'),
          attribute: 'people',
          validation: 'number',
          next: 'phone',
        },
        {
          id: 'phone',
          type: 'ask',
          prompt: text('Phone?'),
          attribute: 'phone',
          validation: 'phone',
          next: 'done',
        },
        {
          id: 'done',
          type: 'message',
          content: text(
            '{{attributes.email}} {{attributes.visit}} {{attributes.people}} {{attributes.phone}}',
          ),
        },
        { id: 'gave_up', type: 'message', content: text('Never mind.') },
      ],
    });
    await inTrx((trx) =>
      startFlow(t.deps, trx, {
        conversationId: conversationA,
        flowId: flow.id,
        trigger: { kind: 'api', actor: null },
      }),
    );
    await customerSays(conversationA, 'no');
    await customerSays(conversationA, 'still no');
    expect(await botSaid(conversationA)).toEqual([
      'Email?',
      'That is not an email.',
      'Email?',
      'Never mind.',
    ]);

    await inTrx((trx) =>
      startFlow(t.deps, trx, {
        conversationId: conversationB,
        flowId: flow.id,
        trigger: { kind: 'api', actor: null },
      }),
    );
    await customerSays(conversationB, 'Bruno@Example.COM');
    await customerSays(conversationB, '31/02/2026'); // no such day
    await customerSays(conversationB, '28/02/2026');
    await customerSays(conversationB, 'three');
    await customerSays(conversationB, '3,5');
    await customerSays(conversationB, '+55 (11) 98765-4321');
    const said = await botSaid(conversationB);
    expect(said.at(-1)).toBe('bruno@example.com 2026-02-28 3.5 +5511987654321');
    expect(said.filter((s) => s.startsWith('Sorry'))).toHaveLength(2);
  });

  it('branches on a tapped button, answers from the knowledge base and hands off with a note of the answers', async () => {
    await createKbEntry(t.db, {
      question: '¿Cuál es el horario?',
      answer: 'De 9 a 18, de lunes a viernes.',
      keywords: 'horario abierto',
      language: 'es',
      now: t.clock.now(),
    });
    const flow = await create({
      start: 'menu',
      steps: [
        {
          id: 'menu',
          type: 'ask',
          attribute: 'menu_choice',
          validation: 'choice',
          prompt: {
            type: 'interactive',
            interactive: {
              type: 'button',
              body: { text: 'How can we help?' },
              action: {
                buttons: [
                  { type: 'reply', reply: { id: 'hours', title: 'Horário' } },
                  { type: 'reply', reply: { id: 'sales', title: 'Sales' } },
                ],
              },
            },
          },
          next: 'route',
        },
        {
          id: 'route',
          type: 'branch',
          source: 'answer',
          cases: [{ op: 'equals', value: 'hours', next: 'faq' }],
          default: 'name',
        },
        { id: 'faq', type: 'faq', query: 'text', text: 'HORARIO', not_found: 'name' },
        { id: 'name', type: 'ask', prompt: text('Your name?'), attribute: 'name', next: 'handoff' },
        { id: 'handoff', type: 'handoff', message: 'Connecting you with Sales.', note: 'Lead from the bot.' },
      ],
    });
    await inTrx((trx) =>
      startFlow(t.deps, trx, {
        conversationId: conversationA,
        flowId: flow.id,
        trigger: { kind: 'api', actor: null },
      }),
    );
    // A typed answer matching a button's title, without its accent, counts as that button.
    await customerSays(conversationA, 'horario');
    expect(await botSaid(conversationA)).toEqual([
      '[interactive] How can we help?',
      'De 9 a 18, de lunes a viernes.',
    ]);
    expect(await sessionOf(conversationA)).toMatchObject({ status: 'completed' });

    await inTrx((trx) =>
      startFlow(t.deps, trx, {
        conversationId: conversationB,
        flowId: flow.id,
        trigger: { kind: 'api', actor: null },
      }),
    );
    await customerSays(conversationB, { id: 'sales', title: 'Sales' });
    await customerSays(conversationB, 'Bruno Silva');
    expect((await botSaid(conversationB)).slice(1)).toEqual(['Your name?', 'Connecting you with Sales.']);
    expect(await sessionOf(conversationB)).toMatchObject({ status: 'handed_off', step_id: null });
    const notes = await t.db
      .selectFrom('conversation_notes')
      .select('body')
      .where('conversation_id', '=', conversationB)
      .execute();
    expect(notes.map((x) => x.body)).toEqual([
      'Lead from the bot.\nAnswers collected:\n- menu_choice: sales\n- name: Bruno Silva',
    ]);
  });

  it('calls an HTTP endpoint signed with the flow secret, maps the JSON response, and takes the error branch on a timeout or an error', async () => {
    const flow = await create({
      start: 'order',
      steps: [
        {
          id: 'order',
          type: 'ask',
          prompt: text('Order number?'),
          attribute: 'order_id',
          validation: 'number',
          next: 'lookup',
        },
        {
          id: 'lookup',
          type: 'http',
          url: `${base}/orders/{{answer}}`,
          // Room for a loaded machine's answer; the slow endpoint below never answers at all.
          timeout_ms: 1_500,
          map: { order_status: 'order.status', 'vars.eta': 'order.eta' },
          next: 'ok',
          on_error: 'failed',
        },
        {
          id: 'ok',
          type: 'message',
          content: text(
            'Order {{attributes.order_id}} is {{attributes.order_status}}, arriving {{vars.eta}}.',
          ),
        },
        { id: 'failed', type: 'message', content: text('We could not look it up.') },
      ],
    });
    const stored = (await findFlow(t.db, flow.id))!;
    expect(stored.signing_secret.startsWith('v1.')).toBe(true); // sealed at rest
    const secret = await flowSigningSecret(t.deps, t.db, stored);

    const runJobs = async () => {
      const jobs = await t.db
        .selectFrom('jobs')
        .select(['id', 'payload_json'])
        .where('name', '=', flowCallJob.id)
        .where('state', '=', 'pending')
        .execute();
      for (const job of jobs) {
        await flowCallJob.handler(JSON.parse(job.payload_json), {
          deps: t.deps,
          jobId: job.id,
          attempt: 1,
          now: t.clock.now(),
          signal: new AbortController().signal,
        });
        await t.db.updateTable('jobs').set({ state: 'done' }).where('id', '=', job.id).execute();
      }
      return jobs.length;
    };

    handler = (_req, _body, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ order: { status: 'shipped', eta: 'Friday' } }));
    };
    await inTrx((trx) =>
      startFlow(t.deps, trx, {
        conversationId: conversationA,
        flowId: flow.id,
        trigger: { kind: 'api', actor: null },
      }),
    );
    await customerSays(conversationA, '1042');
    expect(await runJobs()).toBe(1);
    expect(await botSaid(conversationA)).toEqual([
      'Order number?',
      'Order 1042 is shipped, arriving Friday.',
    ]);
    const request = seen.at(-1)!;
    expect(request.url).toBe('/orders/1042');
    const id = String(request.headers['webhook-id']);
    const timestamp = String(request.headers['webhook-timestamp']);
    const expected = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
      .update(`${id}.${timestamp}.${request.body}`)
      .digest();
    const signature = Buffer.from(String(request.headers['webhook-signature']).replace(/^v1,/, ''), 'base64');
    expect(timingSafeEqual(signature, expected)).toBe(true);
    expect(JSON.parse(request.body)).toMatchObject({
      conversation_id: conversationA,
      answers: { order_id: '1042' },
    });

    // An endpoint that never answers: the step times out and takes the error branch (the
    // request is left open until the server closes its connections after the tests).
    handler = () => {};
    await inTrx((trx) =>
      startFlow(t.deps, trx, {
        conversationId: conversationB,
        flowId: flow.id,
        trigger: { kind: 'api', actor: null },
      }),
    );
    await customerSays(conversationB, '7');
    await runJobs();
    expect((await botSaid(conversationB)).at(-1)).toBe('We could not look it up.');

    // A 500: the error branch as well.
    handler = (_req, _body, res) => {
      res.statusCode = 500;
      res.end('{"error":"down"}');
    };
    await inTrx((trx) =>
      startFlow(t.deps, trx, {
        conversationId: conversationA,
        flowId: flow.id,
        trigger: { kind: 'api', actor: null },
      }),
    );
    await customerSays(conversationA, '8');
    await runJobs();
    expect((await botSaid(conversationA)).at(-1)).toBe('We could not look it up.');
  });

  it('replies with AI through an OpenAI-compatible endpoint with the FAQ as context, off by default, the key sealed', async () => {
    await createKbEntry(t.db, {
      question: 'Do you ship to Portugal?',
      answer: 'Yes, in 3 to 5 days.',
      keywords: 'shipping',
      now: t.clock.now(),
    });
    const flow = await create({
      start: 'ai',
      steps: [
        { id: 'ai', type: 'ai', instructions: 'Be brief.', on_error: 'human' },
        { id: 'human', type: 'message', content: text('A person will answer you.') },
      ],
    });
    const start = (conversationId: string) =>
      inTrx((trx) =>
        startFlow(t.deps, trx, { conversationId, flowId: flow.id, trigger: { kind: 'api', actor: null } }),
      );
    const runJobs = async () => {
      const jobs = await t.db
        .selectFrom('jobs')
        .select(['id', 'payload_json'])
        .where('name', '=', flowCallJob.id)
        .where('state', '=', 'pending')
        .execute();
      for (const job of jobs) {
        await flowCallJob.handler(JSON.parse(job.payload_json), {
          deps: t.deps,
          jobId: job.id,
          attempt: 1,
          now: t.clock.now(),
          signal: new AbortController().signal,
        });
        await t.db.updateTable('jobs').set({ state: 'done' }).where('id', '=', job.id).execute();
      }
    };
    // Off by default: the error branch.
    await customerSays(conversationA, 'Do you ship to Portugal?');
    await start(conversationA);
    await runJobs();
    expect(await botSaid(conversationA)).toEqual(['A person will answer you.']);
    expect(seen).toHaveLength(0);

    handler = (req, body, res) => {
      const json = JSON.parse(body);
      if (req.url !== '/v1/chat/completions' || req.headers.authorization !== 'Bearer sk-test-123') {
        res.statusCode = 401;
        res.end('{"error":{"message":"bad key"}}');
        return;
      }
      const system = json.messages[0].content as string;
      const user = json.messages.at(-1).content as string;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          id: 'chatcmpl-1',
          object: 'chat.completion',
          model: json.model,
          choices: [
            {
              index: 0,
              finish_reason: 'stop',
              message: {
                role: 'assistant',
                content: system.includes('3 to 5 days')
                  ? `(${json.model}) ${user}: yes, 3 to 5 days.`
                  : 'no context',
              },
            },
          ],
        }),
      );
    };
    await saveAiSettings(t.db, masterKeyringOf(t.deps.config), {
      phoneNumberId: (
        await t.db
          .selectFrom('conversations')
          .select('phone_number_id')
          .where('id', '=', conversationB)
          .executeTakeFirstOrThrow()
      ).phone_number_id,
      enabled: true,
      base_url: `${base}/v1`,
      model: 'stand-in-1',
      api_key: 'sk-test-123',
      instructions: 'You are the shop assistant.',
      now: t.clock.now(),
    });
    const row = await t.db.selectFrom('ai_settings').selectAll().executeTakeFirstOrThrow();
    expect(row.api_key?.startsWith('v1.')).toBe(true);
    expect(row.api_key).not.toContain('sk-test-123');
    await customerSays(conversationB, 'Do you ship to Portugal?');
    await start(conversationB);
    await runJobs();
    expect(await botSaid(conversationB)).toEqual([
      '(stand-in-1) Do you ship to Portugal?: yes, 3 to 5 days.',
    ]);
    const sent = JSON.parse(seen.at(-1)!.body);
    expect(sent.messages[0]).toMatchObject({ role: 'system' });
    expect(sent.messages[0].content).toContain('You are the shop assistant.');
    expect(sent.messages[0].content).toContain('Be brief.');
  });
});
