import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, revokeApiToken } from '../auth/api-tokens.ts';
import type { DomainEvent, EventType, StreamNotice } from '../platform/events/catalogue.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { testDialects } from '../testing/databases.ts';
import { NUMBER, OTHER_NUMBER, OTHER_WABA, seedNumber, WABA } from '../testing/seed.ts';
import { SseClient } from '../testing/sse-client.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';

describe.each(testDialects)('realtime events on %s', (dialect) => {
  let h: TestApp;
  let url: string;
  let token: string;
  const clients: SseClient[] = [];

  const open = async (query = '', headers: Record<string, string> = { authorization: `Bearer ${token}` }) => {
    const client = await SseClient.open(`${url}/api/events${query}`, headers);
    clients.push(client);
    return client;
  };

  // A catalogue fact for each notice these tests look for on the wire.
  const factFor: Partial<Record<StreamNotice, EventType>> = {
    'message.added': 'message.received',
    'message.changed': 'message.updated',
    'conversation.changed': 'conversation.updated',
    'contact.changed': 'contact.changed',
    'number.changed': 'number.changed',
    'alert.raised': 'alert.raised',
    'failure.recorded': 'failure.recorded',
  };

  /** Records an event the way feature code does: inside a transaction, then a signal after commit. */
  const record = async (
    notice: StreamNotice,
    phoneNumberId: string | null,
    payload: Record<string, unknown>,
    notify = true,
  ) => {
    const type = factFor[notice];
    if (!type) throw new Error(`no fact for ${notice}`);
    // The payloads here are markers the tests follow through the stream, not the catalogue's shapes.
    const event = { type, phoneNumberId, payload } as unknown as DomainEvent;
    await h.database.db.transaction().execute(async (trx) => {
      await recordEvent(trx, event, h.clock.now());
    });
    if (notify) h.deps.signals.emit('events');
  };

  const lastId = async () =>
    Number(
      (
        await h.database.db
          .selectFrom('domain_events')
          .select((eb) => eb.fn.max('id').as('m'))
          .executeTakeFirst()
      )?.m ?? 0,
    );

  beforeAll(async () => {
    // A small memory, so streams resuming from further back read the log themselves.
    h = await buildTestApp(dialect, { realtime: { pollMs: 50, keepAliveMs: 200, memory: 4 } });
    await seedNumber(h.database.db, { id: NUMBER, waba_id: WABA });
    await seedNumber(h.database.db, {
      id: OTHER_NUMBER,
      waba_id: OTHER_WABA,
      display_phone_number: '15550000002',
    });
    token = await h.token();
    url = (await h.app.listen({ port: 0, host: '127.0.0.1' })).replace('[::1]', '127.0.0.1');
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await h.close();
  });

  it('delivers events live with id, event and data lines', async () => {
    const client = await open();
    expect(client.status).toBe(200);
    await client.comment('connected');
    await record('message.added', NUMBER, { message_id: 'm-1', conversation_id: 'c-1' });
    await record('conversation.changed', NUMBER, { conversation_id: 'c-1' });
    const [first, second] = await client.events(2);
    expect(first?.event).toBe('message.added');
    expect(JSON.parse(first?.data ?? '{}')).toMatchObject({
      id: first?.id,
      type: 'message.added',
      fact: 'message.received',
      phone_number_id: NUMBER,
      payload: { message_id: 'm-1', conversation_id: 'c-1' },
    });
    expect(second?.event).toBe('conversation.changed');
    expect(JSON.parse(second?.data ?? '{}').fact).toBe('conversation.updated');
    expect(Number(second?.id)).toBe(Number(first?.id) + 1);
  });

  it('ends a stream whose token is revoked while it is open', async () => {
    const own = await createApiToken(h.database.db, {
      name: 'short-lived',
      role: 'admin',
      now: h.clock.now(),
    });
    const client = await open('', { authorization: `Bearer ${own.token}` });
    await client.comment('connected');
    await record('message.added', NUMBER, { n: 'before' });
    expect((await client.events(1))[0]?.event).toBe('message.added');
    expect(await revokeApiToken(h.database.db, own.id, h.clock.now())).toBe(true);
    await client.ended;
    const closing = client.all().find((f) => f.event === 'stream.closed');
    expect(JSON.parse(closing?.data ?? '{}')).toEqual({ code: 'UNAUTHENTICATED' });
    // The other token's streams are untouched.
    const other = await open();
    expect(other.status).toBe(200);
  });

  it('resumes from Last-Event-ID without losing what happened while disconnected', async () => {
    const first = await open();
    await first.comment('connected');
    await record('message.added', NUMBER, { n: 1 });
    const [seen] = await first.events(1);
    first.close();
    await record('message.added', NUMBER, { n: 2 });
    await record('message.changed', NUMBER, { n: 3 });
    await record('number.changed', NUMBER, { n: 4 });

    const resumed = await open('', { authorization: `Bearer ${token}`, 'last-event-id': seen?.id ?? '' });
    const missed = await resumed.events(3);
    expect(missed.map((f) => JSON.parse(f.data ?? '{}').payload.n)).toEqual([2, 3, 4]);
    await record('message.added', NUMBER, { n: 5 });
    const all = await resumed.events(4);
    expect(JSON.parse(all[3]?.data ?? '{}').payload.n).toBe(5);

    // ?last_event_id= and ?access_token= serve EventSource, which cannot set headers.
    const viaQuery = await open(`?last_event_id=${seen?.id}&access_token=${token}`, {});
    expect((await viaQuery.events(4)).map((f) => JSON.parse(f.data ?? '{}').payload.n)).toEqual([2, 3, 4, 5]);
  });

  it('serves live streams from one read and a stream resuming from further back from the log', async () => {
    const watchers = await Promise.all([open(), open(), open()]);
    for (const w of watchers) await w.comment('connected');
    await record('message.added', NUMBER, { n: 'start' });
    const [start] = await watchers[0]!.events(1);
    for (let n = 1; n <= 9; n++) await record('message.added', NUMBER, { n });
    // Every live stream gets the same events, in order, once.
    for (const w of watchers) {
      const got = await w.events(10);
      expect(got.map((f) => JSON.parse(f.data ?? '{}').payload.n)).toEqual([
        'start',
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        8,
        9,
      ]);
    }
    // Nine events since `start` is more than the hub keeps in memory: the stream reads the log.
    const resumed = await open('', { authorization: `Bearer ${token}`, 'last-event-id': start?.id ?? '' });
    expect((await resumed.events(9)).map((f) => JSON.parse(f.data ?? '{}').payload.n)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    // …then joins the live fan-out with no duplicate and no gap.
    await record('message.added', NUMBER, { n: 10 });
    const after = await resumed.events(10);
    expect(after.map((f) => JSON.parse(f.data ?? '{}').payload.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const ids = after.map((f) => Number(f.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('wakes on the poll for events committed without notify (another hub node)', async () => {
    const client = await open();
    await client.comment('connected');
    await record('contact.changed', NUMBER, { from: 'other-node' }, false);
    const [event] = await client.events(1);
    expect(JSON.parse(event?.data ?? '{}').payload).toEqual({ from: 'other-node' });
  });

  it('sends a WABA-restricted token only its own numbers’ events', async () => {
    const restricted = await h.token({ wabaId: OTHER_WABA });
    const client = await open('', { authorization: `Bearer ${restricted}` });
    await client.comment('connected');
    await record('message.added', NUMBER, { secret: true });
    await record('alert.raised', null, { global: true });
    await record('message.added', OTHER_NUMBER, { mine: true });
    const [event] = await client.events(1);
    expect(JSON.parse(event?.data ?? '{}')).toMatchObject({
      phone_number_id: OTHER_NUMBER,
      payload: { mine: true },
    });
    const since = (await lastId()) - 3;
    const json = await h.app.inject({
      url: `/api/events?since=${since}`,
      headers: { authorization: `Bearer ${restricted}` },
    });
    expect(json.json().data.map((e: { payload: unknown }) => e.payload)).toEqual([{ mine: true }]);
    expect(json.json().last_event_id).toBe(String(since + 3));
    await record('message.added', OTHER_NUMBER, { mine: 2 });
    expect(client.received().map((f) => JSON.parse(f.data ?? '{}').payload)).not.toContainEqual({
      secret: true,
    });
  });

  it('keeps an idle stream alive with comments', async () => {
    const client = await open();
    await client.comment('keepalive');
  });

  it('answers 401 without a valid token, in the header or the query', async () => {
    for (const [query, headers] of [
      ['', {}],
      ['?access_token=cx_wrong', {}],
      ['', { authorization: 'Bearer cx_wrong' }],
    ] as const) {
      const res = await fetch(`${url}/api/events${query}`, { headers });
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe('UNAUTHENTICATED');
    }
    const json = await h.app.inject({ url: '/api/events?since=0&access_token=cx_wrong' });
    expect(json.statusCode).toBe(401);
  });

  it.runIf(dialect === 'postgres')(
    'never skips an event whose transaction commits after a later one',
    async () => {
      const client = await open();
      await client.comment('connected');
      const before = await lastId();
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let inserted!: () => void;
      const insertedPromise = new Promise<void>((resolve) => {
        inserted = resolve;
      });
      const slow = h.database.db.transaction().execute(async (trx) => {
        const event = { type: 'message.received', phoneNumberId: NUMBER, payload: { order: 'slow' } };
        await recordEvent(trx, event as unknown as DomainEvent, h.clock.now());
        inserted();
        await held;
      });
      await insertedPromise;
      await record('message.added', NUMBER, { order: 'fast' });
      // The fast event is committed, but the slow one (lower id) is not: neither may be delivered yet.
      const early = await h.app.inject({
        url: `/api/events?since=${before}`,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(early.json()).toEqual({ data: [], last_event_id: String(before) });
      release();
      await slow;
      h.deps.signals.emit('events');
      const events = await client.events(2);
      expect(events.map((f) => JSON.parse(f.data ?? '{}').payload.order)).toEqual(['slow', 'fast']);
      expect(client.received()).toHaveLength(2);
    },
  );
});
