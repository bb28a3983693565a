import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../meta-webhooks/webhook.endpoint.ts';
import { processWebhookEvent } from '../meta-webhooks/webhook.processor.ts';
import { claimPendingEvents } from '../meta-webhooks/webhook-event.repository.ts';
import { testDialects } from '../testing/databases.ts';
import { SseClient } from '../testing/sse-client.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/meta/${name}`, import.meta.url));

const DEMO_WABA = '102290129340398';
const DEMO_NUMBER = '106540352242922';
const TEST_NUMBER = '1122334455667';

type Page<T> = { data: T[]; next_cursor: string | null };

/** Meta's webhooks go in through `/webhooks/meta`; the read API and the stream show the result. */
describe.each(testDialects)('webhooks to read API and stream on %s', (dialect) => {
  let h: TestApp;
  let url: string;
  let admin: string;
  let demoOnly: string;
  const clients: SseClient[] = [];

  const post = async (body: Buffer) => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/webhooks/meta',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signBody('sandbox-app-secret', body),
      },
      payload: body,
    });
    expect(res.statusCode).toBe(200);
  };
  /** Processes every stored webhook like the worker does (the worker itself is not started here). */
  const drain = async () => {
    for (;;) {
      const events = await claimPendingEvents(h.database, {
        nodeId: 'test',
        now: h.clock.now(),
        leaseMs: 60_000,
        limit: 100,
      });
      if (events.length === 0) return;
      for (const e of events) await processWebhookEvent(h.deps, e);
    }
  };
  const get = async <T>(path: string, token: string) => {
    const res = await h.app.inject({ url: path, headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    return res.json() as T;
  };

  beforeAll(async () => {
    h = await buildTestApp(dialect, { realtime: { pollMs: 50 } });
    admin = await h.token();
    demoOnly = await h.token({ wabaId: DEMO_WABA });
    url = (await h.app.listen({ port: 0, host: '127.0.0.1' })).replace('[::1]', '127.0.0.1');
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await h.close();
  });

  it('shows a customer message and an owner echo, streams them live, and keeps each WABA apart', async () => {
    const everything = await SseClient.open(`${url}/api/events`, { authorization: `Bearer ${admin}` });
    const demo = await SseClient.open(`${url}/api/events?access_token=${demoOnly}`);
    clients.push(everything, demo);
    await everything.comment('connected');
    await demo.comment('connected');

    await post(fixture('messages_text.json'));
    await post(fixture('smb_message_echoes.json'));
    await drain();

    // The stream delivers what the processing committed, each event once, in id order.
    const added = async (client: SseClient) => {
      for (let n = 1; ; n++) {
        const frames = await client.events(n);
        const numbers = frames
          .filter((f) => f.event === 'message.added')
          .map((f) => JSON.parse(f.data ?? '{}').phone_number_id as string);
        if (numbers.length >= (client === everything ? 2 : 1)) return { frames, numbers };
      }
    };
    const all = await added(everything);
    expect(all.numbers.sort()).toEqual([DEMO_NUMBER, TEST_NUMBER].sort());
    const ids = all.frames.map((f) => Number(f.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    const mine = await added(demo);
    expect(mine.numbers).toEqual([DEMO_NUMBER]);
    expect(demo.received().every((f) => JSON.parse(f.data ?? '{}').phone_number_id === DEMO_NUMBER)).toBe(
      true,
    );

    const numbers = await get<Page<{ id: string }>>('/api/numbers', admin);
    expect(numbers.data.map((n) => n.id).sort()).toEqual([DEMO_NUMBER, TEST_NUMBER].sort());
    expect((await get<Page<{ id: string }>>('/api/numbers', demoOnly)).data.map((n) => n.id)).toEqual([
      DEMO_NUMBER,
    ]);

    type Conversation = {
      id: string;
      phone_number_id: string;
      contact: { wa_id: string; display_name: string };
    };
    const conversations = await get<Page<Conversation>>(
      `/api/conversations?phone_number_id=${TEST_NUMBER}`,
      admin,
    );
    expect(conversations.data).toHaveLength(1);
    expect(conversations.data[0]?.contact).toMatchObject({
      wa_id: '972987654321',
      display_name: 'Test Name',
    });
    const customerConversation = conversations.data[0]?.id ?? '';

    type Message = { wamid: string; origin: string; direction: string; content: unknown };
    const messages = await get<Page<Message>>(`/api/conversations/${customerConversation}/messages`, admin);
    expect(messages.data).toHaveLength(1);
    expect(messages.data[0]).toMatchObject({
      wamid: 'wamid.xyzxyz',
      origin: 'customer',
      direction: 'inbound',
    });
    expect(JSON.stringify(messages.data[0]?.content)).toContain('Body Text');

    const demoConversations = await get<Page<Conversation>>('/api/conversations', demoOnly);
    expect(demoConversations.data.map((c) => c.phone_number_id)).toEqual([DEMO_NUMBER]);
    expect(demoConversations.data[0]?.contact.wa_id).toBe('16505551234');
    const echo = await get<Page<Message>>(
      `/api/conversations/${demoConversations.data[0]?.id}/messages`,
      demoOnly,
    );
    expect(echo.data[0]).toMatchObject({ origin: 'business_app', direction: 'outbound' });

    const hidden = await h.app.inject({
      url: `/api/conversations/${customerConversation}/messages`,
      headers: { authorization: `Bearer ${demoOnly}` },
    });
    expect(hidden.statusCode).toBe(404);
    expect((await get<Page<unknown>>('/api/contacts?q=Test%20Name', demoOnly)).data).toEqual([]);
  });
});
