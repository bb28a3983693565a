import { type Kysely, sql, type Transaction } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../database.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../../testing/databases.ts';
import { ManualClock, systemClock } from '../clock.ts';
import type { DomainEvent } from './catalogue.ts';
import type { EventTables } from './event.table.ts';
import { recordEvents } from './record-event.ts';
import { createSignals } from './signals.ts';
import { defineSubscriber, type StoredEvent } from './subscriber.ts';
import { retrySubscriberFailure } from './subscriber-failure.repository.ts';
import { startSubscriberWorker } from './subscriber-worker.ts';

type Db = Kysely<EventTables>;

const alert = (i: number): DomainEvent => ({
  type: 'alert.raised',
  phoneNumberId: 'pn-1',
  payload: { alert_id: `a-${i}`, code: 'TEST' },
});
const failure = (i: number): DomainEvent => ({
  type: 'failure.recorded',
  phoneNumberId: null,
  payload: { failure_id: `f-${i}`, code: 'TEST' },
});

async function createProbeTable(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('probe_handled')
    .addColumn('subscriber', 'text', (c) => c.notNull())
    .addColumn('event_id', 'bigint', (c) => c.notNull())
    .execute();
}

async function handledBy(db: Db, subscriber: string): Promise<number[]> {
  const { rows } = await sql<{ event_id: number | string }>`
    select event_id from probe_handled where subscriber = ${subscriber} order by event_id`.execute(db);
  return rows.map((r) => Number(r.event_id));
}

async function eventIds(db: Db, fact?: string): Promise<number[]> {
  let q = db.selectFrom('domain_events').select('id').orderBy('id');
  if (fact) q = q.where('fact', '=', fact);
  return (await q.execute()).map((r) => Number(r.id));
}

const insertProbe = (trx: Transaction<EventTables>, name: string, event: StoredEvent) =>
  sql`insert into probe_handled (subscriber, event_id) values (${name}, ${event.id})`.execute(trx);

describe.each(testDialects)('durable subscribers on %s', (dialect) => {
  let database: TestDatabase;
  let db: Db;
  const clock = new ManualClock();

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    db = database.db as unknown as Db;
    await createProbeTable(database.db as unknown as Kysely<unknown>);
  });
  afterEach(async () => {
    await database.destroy();
  });

  const record = (events: DomainEvent[]) =>
    db.transaction().execute((trx) => recordEvents(trx, events, clock.now()));

  it('hands each wanted event once, in log order, and a new worker resumes at the cursor', async () => {
    const seen: string[] = [];
    const sub = defineSubscriber({
      name: 'probe.alerts',
      types: ['alert.raised'],
      async handle(trx: Transaction<EventTables>, event) {
        seen.push(event.payload.alert_id);
        await insertProbe(trx, 'probe.alerts', event);
      },
    });
    await record([alert(1), failure(1), alert(2)]);
    const first = startSubscriberWorker({ db, clock, subscribers: [sub], autoStart: false, batchSize: 2 });
    await first.runOnce();
    await first.runOnce();
    await first.stop();
    await record([alert(3)]);
    const second = startSubscriberWorker({ db, clock, subscribers: [sub], autoStart: false });
    await second.runOnce();
    await second.stop();
    expect(seen).toEqual(['a-1', 'a-2', 'a-3']);
    expect(await handledBy(db, 'probe.alerts')).toEqual(await eventIds(db, 'alert.raised'));
    const cursor = await db.selectFrom('event_cursors').selectAll().executeTakeFirstOrThrow();
    expect(Number(cursor.position)).toBe(Math.max(...(await eventIds(db))));
    expect(cursor.lease_owner).toBeNull();
  });

  it('reads on without pausing while full batches hold none of its types', async () => {
    const seen: string[] = [];
    const sub = defineSubscriber({
      name: 'probe.rare',
      types: ['alert.raised'],
      async handle(_trx: Transaction<EventTables>, event) {
        seen.push(event.payload.alert_id);
      },
    });
    await record([failure(1), failure(2), failure(3), failure(4), failure(5), alert(1)]);
    // No wake-up and a poll of an hour: only going on after a full batch reaches the alert.
    const worker = startSubscriberWorker({ db, clock, subscribers: [sub], batchSize: 2, pollMs: 3_600_000 });
    try {
      await vi.waitFor(() => expect(seen).toEqual(['a-1']), { timeout: 20_000, interval: 20 });
    } finally {
      await worker.stop();
    }
  });

  it('cut into many short transactions by its time budget, still hands every event once and in order to every subscriber', async () => {
    const seen = new Map<string, number[]>();
    const probe = (name: string, types: ('alert.raised' | 'failure.recorded')[]) =>
      defineSubscriber({
        name,
        types,
        async handle(trx: Transaction<EventTables>, event) {
          seen.set(name, [...(seen.get(name) ?? []), event.id]);
          await insertProbe(trx, name, event);
        },
      });
    const subs = [
      probe('probe.both', ['alert.raised', 'failure.recorded']),
      probe('probe.alerts', ['alert.raised']),
      probe('probe.failures', ['failure.recorded']),
    ];
    await record(Array.from({ length: 30 }, (_, i) => (i % 3 ? alert(i) : failure(i))));
    // A budget of 0 ms: every transaction commits after one event of one subscriber.
    const worker = startSubscriberWorker({
      db,
      clock,
      subscribers: subs,
      autoStart: false,
      budgetMs: 0,
      batchSize: 7,
    });
    for (let i = 0; i < 200 && (await worker.runOnce()) > 0; i++);
    await worker.stop();
    expect(await handledBy(db, 'probe.both')).toEqual(await eventIds(db));
    expect(seen.get('probe.both')).toEqual(await eventIds(db));
    expect(seen.get('probe.alerts')).toEqual(await eventIds(db, 'alert.raised'));
    expect(seen.get('probe.failures')).toEqual(await eventIds(db, 'failure.recorded'));
    const cursors = await db.selectFrom('event_cursors').select(['subscriber', 'position']).execute();
    const last = Math.max(...(await eventIds(db)));
    expect(cursors.map((c) => Number(c.position))).toEqual([last, last, last]);
  });

  it.each([
    ['one transaction per round', false],
    ['side by side', true],
  ])(
    'hands a batch handler its events in order (%s); a batch that throws goes again event by event and only the culprit is set aside',
    async (_mode, concurrent) => {
      const batches: number[][] = [];
      const single: number[] = [];
      const sub = defineSubscriber({
        name: 'probe.batch',
        types: ['alert.raised'],
        retry: { attempts: 1 },
        async handle(trx: Transaction<EventTables>, event) {
          if (event.payload.alert_id === 'a-7') throw new Error('bad event');
          single.push(event.id);
          await insertProbe(trx, 'probe.batch', event);
        },
        async handleBatch(trx: Transaction<EventTables>, events) {
          batches.push(events.map((e) => e.id));
          for (const event of events) {
            if (event.payload.alert_id === 'a-7') throw new Error('bad event');
            await insertProbe(trx, 'probe.batch', event);
          }
        },
      });
      await record(Array.from({ length: 12 }, (_, i) => alert(i)));
      const ids = await eventIds(db);
      const worker = startSubscriberWorker({ db, clock, subscribers: [sub], autoStart: false, concurrent });
      for (let i = 0; i < 20 && (await worker.runOnce()) > 0; i++);
      await worker.stop();
      // The first call got the whole batch; it threw on a-7, so nothing of it counted and the events
      // went one per transaction through `handle`.
      expect(batches[0]).toEqual(ids);
      expect(single).toEqual(ids.filter((_, i) => i !== 7));
      expect(await handledBy(db, 'probe.batch')).toEqual(ids.filter((_, i) => i !== 7));
      const failures = await db.selectFrom('subscriber_failures').select(['event_id', 'state']).execute();
      expect(failures.map((f) => Number(f.event_id))).toEqual([ids[7]]);
      const [cursor] = await db.selectFrom('event_cursors').select('position').execute();
      expect(Number(cursor?.position)).toBe(ids.at(-1));
    },
  );

  it('hands a batch handler a large batch in slices, each event once and in order', async () => {
    const batches: number[][] = [];
    const sub = defineSubscriber({
      name: 'probe.slices',
      types: ['alert.raised'],
      async handle() {
        throw new Error('the batch handler is used');
      },
      async handleBatch(trx: Transaction<EventTables>, events) {
        batches.push(events.map((e) => e.id));
        for (const event of events) await insertProbe(trx, 'probe.slices', event);
      },
    });
    await record(Array.from({ length: 120 }, (_, i) => alert(i)));
    const worker = startSubscriberWorker({ db, clock, subscribers: [sub], autoStart: false });
    for (let i = 0; i < 20 && (await worker.runOnce()) > 0; i++);
    await worker.stop();
    expect(batches.map((b) => b.length)).toEqual([50, 50, 20]);
    expect(batches.flat()).toEqual(await eventIds(db));
    expect(await handledBy(db, 'probe.slices')).toEqual(await eventIds(db));
  });

  it('side by side (each subscriber in its own transaction), hands every event once and in order, and one failing event is set aside alone', async () => {
    const seen = new Map<string, number[]>();
    const probe = (name: string, failOn: string | null) =>
      defineSubscriber({
        name,
        types: ['alert.raised', 'failure.recorded'],
        retry: { attempts: 1 },
        async handle(trx: Transaction<EventTables>, event) {
          if (event.type === 'alert.raised' && event.payload.alert_id === failOn) throw new Error('no');
          seen.set(name, [...(seen.get(name) ?? []), event.id]);
          await insertProbe(trx, name, event);
        },
      });
    const subs = [probe('probe.a', null), probe('probe.b', 'a-5'), probe('probe.c', null)];
    await record(Array.from({ length: 20 }, (_, i) => (i % 2 ? alert(i) : failure(i))));
    const worker = startSubscriberWorker({
      db,
      clock,
      subscribers: subs,
      autoStart: false,
      concurrent: true,
      batchSize: 6,
    });
    for (let i = 0; i < 50 && (await worker.runOnce()) > 0; i++);
    await worker.stop();
    const all = await eventIds(db);
    const failing = Number(
      (
        await db
          .selectFrom('domain_events')
          .select('id')
          .where('payload_json', 'like', '%"a-5"%')
          .executeTakeFirstOrThrow()
      ).id,
    );
    expect(await handledBy(db, 'probe.a')).toEqual(all);
    expect(await handledBy(db, 'probe.c')).toEqual(all);
    expect(await handledBy(db, 'probe.b')).toEqual(all.filter((id) => id !== failing));
    expect(seen.get('probe.a')).toEqual(all);
    const failed = await db.selectFrom('subscriber_failures').selectAll().execute();
    expect(failed.map((f) => [f.subscriber, Number(f.event_id), f.state])).toEqual([
      ['probe.b', failing, 'failed'],
    ]);
  });

  it("runs a handler's after-commit hooks once its transaction commits, never for one rolled back, and wakes the events' senders", async () => {
    const signals = createSignals();
    const woken: string[] = [];
    signals.on('outbox', (id) => woken.push(id));
    const ran: string[] = [];
    const sub = defineSubscriber({
      name: 'probe.hooks',
      types: ['alert.raised'],
      retry: { attempts: 1 },
      async handle(trx: Transaction<EventTables>, event, _context, hooks) {
        await insertProbe(trx, 'probe.hooks', event);
        hooks?.afterCommit(() => ran.push(event.payload.alert_id));
        if (event.payload.alert_id === 'a-2') throw new Error('no');
      },
    });
    await record([alert(1), alert(2), alert(3)]);
    const worker = startSubscriberWorker({ db, clock, subscribers: [sub], autoStart: false, signals });
    await worker.runOnce();
    await worker.stop();
    await new Promise((r) => setTimeout(r, 0)); // signals are delivered in a microtask
    expect(ran).toEqual(['a-1', 'a-3']);
    expect(new Set(woken)).toEqual(new Set(['pn-1']));
    const ids = await eventIds(db);
    expect(await handledBy(db, 'probe.hooks')).toEqual([ids[0], ids[2]]);
  });

  it('says it is active while it catches up and idle once a pass finds nothing', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const handled: string[] = [];
    const sub = defineSubscriber({
      name: 'probe.active',
      types: ['alert.raised'],
      async handle(_trx: Transaction<EventTables>, event) {
        if (event.payload.alert_id === 'a-2') await gate;
        handled.push(event.payload.alert_id);
      },
    });
    await record([alert(1), alert(2)]);
    const worker = startSubscriberWorker({ db, clock, subscribers: [sub], batchSize: 1, pollMs: 60_000 });
    const until = async (what: string, f: () => boolean) => {
      const end = Date.now() + 10_000;
      while (!f()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    try {
      // The first pass handled a-1; the second waits inside a-2's handler.
      await until('a-1', () => handled.length === 1);
      await until('active', () => worker.active());
      expect(handled).toEqual(['a-1']);
      release();
      await until('a-2', () => handled.length === 2);
      await until('an idle pass', () => !worker.active());
      expect(handled).toEqual(['a-1', 'a-2']);
    } finally {
      release();
      await worker.stop();
    }
  });

  it('refuses a subscriber of an event type the catalogue does not declare', () => {
    expect(() =>
      defineSubscriber({
        name: 'probe.bad',
        types: ['message.teleported' as 'alert.raised'],
        handle: async () => {},
      }),
    ).toThrow(/not in the event catalogue/);
  });

  it('sets a failing event aside with backoff, goes on, shows it failed after its attempts, and retries on request', async () => {
    let broken = true;
    const calls: number[] = [];
    const flaky = defineSubscriber({
      name: 'probe.flaky',
      types: ['alert.raised'],
      retry: { attempts: 3, backoffMs: 1_000 },
      async handle(trx: Transaction<EventTables>, event) {
        calls.push(event.id);
        await insertProbe(trx, 'probe.flaky', event);
        if (broken && event.payload.alert_id === 'a-2') throw new Error('downstream said no');
      },
    });
    const steady = defineSubscriber({
      name: 'probe.steady',
      types: ['alert.raised'],
      async handle(trx: Transaction<EventTables>, event) {
        await insertProbe(trx, 'probe.steady', event);
      },
    });
    await record([alert(1), alert(2), alert(3)]);
    const [id1, id2, id3] = await eventIds(db);
    const worker = startSubscriberWorker({ db, clock, subscribers: [flaky, steady], autoStart: false });
    await worker.runOnce();

    // The others went on: the steady subscriber has all three, the flaky one all but the failing one
    // (whose write rolled back with it).
    expect(await handledBy(db, 'probe.steady')).toEqual([id1, id2, id3]);
    expect(await handledBy(db, 'probe.flaky')).toEqual([id1, id3]);
    const failureRow = () =>
      db
        .selectFrom('subscriber_failures')
        .selectAll()
        .where('subscriber', '=', 'probe.flaky')
        .executeTakeFirstOrThrow();
    let row = await failureRow();
    expect(row).toMatchObject({
      state: 'retrying',
      attempts: 1,
      error: 'downstream said no',
      event_type: 'alert.raised',
    });
    expect(Number(row.event_id)).toBe(id2);
    expect(Number(row.next_attempt_at)).toBe(clock.now() + 1_000);

    // Not before its time; then with doubled waits.
    await worker.runOnce();
    expect((await failureRow()).attempts).toBe(1);
    clock.advance(1_000);
    await worker.runOnce();
    row = await failureRow();
    expect(row).toMatchObject({ state: 'retrying', attempts: 2 });
    expect(Number(row.next_attempt_at)).toBe(clock.now() + 2_000);
    clock.advance(2_000);
    await worker.runOnce();
    row = await failureRow();
    expect(row).toMatchObject({ state: 'failed', attempts: 3, next_attempt_at: null });
    // Given up: no more calls however long one waits (the first pass called it twice: once in the
    // batch, once alone to find which event broke the batch).
    const callsWhenFailed = calls.filter((c) => c === id2).length;
    clock.advance(60_000);
    await worker.runOnce();
    expect(calls.filter((c) => c === id2)).toHaveLength(callsWhenFailed);

    // An operator retries it once the cause is fixed: handled, and the failure resolved.
    broken = false;
    expect(
      await retrySubscriberFailure(db, {
        subscriber: 'probe.flaky',
        eventId: id2 as number,
        now: clock.now(),
      }),
    ).toBe(true);
    await worker.runOnce();
    expect(await failureRow()).toMatchObject({ state: 'resolved' });
    expect(await handledBy(db, 'probe.flaky')).toEqual([id1, id2, id3]);
    await worker.stop();
  });
});

// Several hub nodes share one database only on PostgreSQL (SQLite is the single-node store; two
// connections of one process to one SQLite file would only wait on each other's locks).
describe.each(testDialects.filter((d) => d === 'postgres'))(
  'durable subscribers, two nodes on %s',
  (dialect) => {
    let database: TestDatabase;
    let db: Db;

    beforeEach(async () => {
      database = await createTestDatabase(dialect);
      db = database.db as unknown as Db;
      await createProbeTable(database.db as unknown as Kysely<unknown>);
    });
    afterEach(async () => {
      await database.destroy();
    });

    const record = (events: DomainEvent[]) =>
      db.transaction().execute((trx) => recordEvents(trx, events, Date.now()));

    it('runs each subscriber on one node at a time; none handles an event twice or misses one', async () => {
      // Two nodes: two workers, each with its own connection pool, on one database.
      const second = openDatabase(database.url);
      const active = new Map<string, number>();
      let overlap = 0;
      const handlers = new Map<string, string[]>();
      const probe = (name: string, node: string) =>
        defineSubscriber({
          name,
          types: ['alert.raised', 'failure.recorded'],
          async handle(trx: Transaction<EventTables>, event) {
            const now = (active.get(name) ?? 0) + 1;
            active.set(name, now);
            if (now > 1) overlap++;
            await insertProbe(trx, name, event);
            await new Promise((r) => setTimeout(r, 1));
            active.set(name, (active.get(name) ?? 1) - 1);
            handlers.set(name, [...(handlers.get(name) ?? []), node]);
          },
        });
      const nodes = ['node-a', 'node-b'].map((node, i) =>
        startSubscriberWorker({
          db: i === 0 ? db : (second.db as unknown as Db),
          clock: systemClock,
          nodeId: node,
          subscribers: [probe('probe.one', node), probe('probe.two', node)],
          leaseMs: 2_000,
          pollMs: 10,
          ...(process.env.DEBUG_SUBS ? { logger: console as never } : {}),
          batchSize: 25,
        }),
      );
      try {
        for (let round = 0; round < 6; round++) {
          await record(
            Array.from({ length: 40 }, (_, i) => (i % 2 ? alert(round * 40 + i) : failure(round * 40 + i))),
          );
          if (round === 3) await nodes[0]?.stop(); // node A leaves; B takes its subscribers over
        }
        const all = await eventIds(db);
        const deadline = Date.now() + 30_000;
        while (Date.now() < deadline) {
          const [one, two] = [await handledBy(db, 'probe.one'), await handledBy(db, 'probe.two')];
          if (one.length >= all.length && two.length >= all.length) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        for (const name of ['probe.one', 'probe.two']) expect(await handledBy(db, name)).toEqual(all);
        expect(overlap).toBe(0);
        // Every effect committed once; the calls whose transaction lost are not in the table.
        expect(new Set(handlers.get('probe.one'))).toContain('node-b');
      } finally {
        for (const n of nodes) await n?.stop();
        await second.close();
      }
    });
  },
);
