import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  RootOperationNode,
} from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../../testing/databases.ts';
import type { DomainEvent } from './catalogue.ts';
import type { EventLogTables } from './event.table.ts';
import { createLiveSubscriber, type LiveSubscriber } from './live-subscriber.ts';
import { recordEvents } from './record-event.ts';
import { createSignals, type Signals } from './signals.ts';

const alert = (i: number): DomainEvent => ({
  type: 'alert.raised',
  phoneNumberId: 'pn-1',
  payload: { alert_id: `a-${i}`, code: 'TEST' },
});

/** Counts the queries that read the event log (instrumentation only: every query still runs). */
class ReadCounter implements KyselyPlugin {
  reads = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const node = args.node;
    if (node.kind === 'SelectQueryNode' && JSON.stringify(node.from ?? {}).includes('"domain_events"')) {
      this.reads += 1;
    }
    return node;
  }
  async transformResult(args: PluginTransformResultArgs) {
    return args.result;
  }
}

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describe.each(testDialects)('the live subscriber on %s', (dialect) => {
  let database: TestDatabase;
  let signals: Signals;
  let counter: ReadCounter;
  let live: LiveSubscriber | null = null;

  const open = (memory?: number, coalesceMs?: number) => {
    live = createLiveSubscriber({
      db: database.db.withPlugin(counter) as never,
      signals,
      now: Date.now,
      // No poll during the test: only the signal wakes it.
      pollMs: 60_000,
      ...(memory !== undefined ? { memory } : {}),
      ...(coalesceMs !== undefined ? { coalesceMs } : {}),
    });
    return live;
  };
  const record = async (from: number, count: number) => {
    const db = database.db as unknown as import('kysely').Kysely<EventLogTables>;
    await db.transaction().execute(async (trx) => {
      await recordEvents(
        trx,
        Array.from({ length: count }, (_, i) => alert(from + i)),
        Date.now(),
      );
    });
    signals.emit('events');
  };

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    signals = createSignals();
    counter = new ReadCounter();
  });
  afterEach(async () => {
    live?.close();
    live = null;
    await database.destroy();
  });

  it('reads the log once per wake-up, however many listeners there are', async () => {
    await record(1, 2);
    const subscriber = open();
    const woken: number[] = Array.from({ length: 50 }, () => 0);
    woken.forEach((_, i) => {
      subscriber.subscribe(() => {
        woken[i] = (woken[i] ?? 0) + 1;
      });
    });
    const start = await subscriber.ready();
    expect(subscriber.eventsAfter(start)).toEqual([]);
    const before = counter.reads;

    await record(3, 4);
    await waitFor(() => subscriber.position() === start + 4);
    expect(counter.reads - before).toBe(1);
    // A stream opening now starts at the live cursor, not where the subscriber started.
    expect(await subscriber.ready()).toBe(start + 4);
    expect(woken.every((n) => n === 1)).toBe(true);
    const events = subscriber.eventsAfter(start) ?? [];
    expect(events.map((e) => JSON.parse(e.payload_json).alert_id)).toEqual(['a-3', 'a-4', 'a-5', 'a-6']);
    expect(subscriber.eventsAfter(start + 2)?.map((e) => e.id)).toEqual([start + 3, start + 4]);
  });

  it('keeps only the newest events in memory and says so for an older position', async () => {
    const subscriber = open(3);
    subscriber.subscribe(() => {});
    const start = await subscriber.ready();
    await record(1, 5);
    await waitFor(() => subscriber.position() === start + 5);
    // Ids start+3 .. start+5 are kept; a listener at start+1 must read the log itself.
    expect(subscriber.eventsAfter(start + 1)).toBeNull();
    expect(subscriber.eventsAfter(start + 2)?.map((e) => e.id)).toEqual([start + 3, start + 4, start + 5]);
    expect(subscriber.eventsAfter(start + 5)).toEqual([]);
  });

  it('starts at the newest event and stops reading when the last listener leaves', async () => {
    await record(1, 3);
    const subscriber = open();
    const off = subscriber.subscribe(() => {});
    const start = await subscriber.ready();
    expect(start).toBeGreaterThanOrEqual(3);
    off();
    const before = counter.reads;
    await record(4, 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(counter.reads).toBe(before);
  });

  it('reads the commits of one coalescing window together: one read, one wake-up of each listener', async () => {
    const subscriber = open(undefined, 1_000);
    let woken = 0;
    subscriber.subscribe(() => {
      woken += 1;
    });
    const start = await subscriber.ready();
    const before = counter.reads;
    await record(1, 1);
    await record(2, 2);
    await record(4, 1);
    // Within the window nothing is read yet; then all four events arrive at once.
    expect(subscriber.position()).toBe(start);
    await waitFor(() => subscriber.position() === start + 4);
    expect(counter.reads - before).toBe(1);
    expect(woken).toBe(1);
    expect(subscriber.eventsAfter(start)?.map((e) => e.id)).toEqual([
      start + 1,
      start + 2,
      start + 3,
      start + 4,
    ]);
  });
});
