import type { Transaction } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { DB } from '../../database.ts';
import type { EventType } from '../../platform/events/catalogue.ts';
import type { StoredEvent } from '../../platform/events/subscriber.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../../testing/databases.ts';
import { NUMBER, OTHER_NUMBER, OTHER_WABA, seedNumber, T0, WABA } from '../../testing/seed.ts';
import { selectCounter, triedAndRolledBack } from '../../testing/statements.ts';
import { createEndpoint } from './endpoint.repository.ts';
import { outboundWebhooksSubscriber } from './fanout.subscriber.ts';
import { secretStoreFor } from './secret-store.ts';

describe.each(testDialects)('the outbound webhooks fan-out (%s)', (dialect) => {
  let database: TestDatabase;
  afterEach(async () => {
    await database?.destroy();
  });

  /**
   * Two organisations (the second owns OTHER_WABA), an endpoint for every account, one for WABA's
   * numbers, one for OTHER_WABA's created after the first events, and a disabled one.
   */
  async function seeded() {
    database = await createTestDatabase(dialect);
    const db = database.db;
    await seedNumber(db, { id: NUMBER, waba_id: WABA });
    await seedNumber(db, { id: OTHER_NUMBER, waba_id: OTHER_WABA });
    await db
      .insertInto('organisations')
      .values({ id: 'org_b', name: 'B Ltd', created_by: null, created_at: T0, updated_at: T0 })
      .execute();
    await db.updateTable('wabas').set({ organisation_id: 'org_default' }).where('id', '=', WABA).execute();
    await db.updateTable('wabas').set({ organisation_id: 'org_b' }).where('id', '=', OTHER_WABA).execute();
    const store = secretStoreFor(undefined);
    const endpoint = async (
      description: string,
      eventTypes: EventType[],
      wabaId: string | null,
      now: number,
      enabled = true,
    ) => {
      const { row } = await createEndpoint(db, {
        url: `https://crm.example.com/${description}`,
        description,
        eventTypes,
        wabaId,
        now,
        store,
      });
      if (!enabled)
        await db.updateTable('webhook_endpoints').set({ enabled: 0 }).where('id', '=', row.id).execute();
      return row.id;
    };
    const ids = {
      shared: await endpoint('shared', ['message.received', 'conversation.resolved'], null, T0),
      waba: await endpoint('waba', ['message.received'], WABA, T0),
      later: await endpoint('later', ['message.received', 'conversation.resolved'], OTHER_WABA, T0 + 2_000),
      off: await endpoint('off', ['message.received'], null, T0, false),
    };
    const event = (id: number, type: EventType, phoneNumberId: string | null, at: number) =>
      ({
        id,
        type,
        phoneNumberId,
        at,
        payload:
          type === 'message.received'
            ? {
                message_id: `m${id}`,
                conversation_id: 'c1',
                contact_id: 'k1',
                wamid: `w${id}`,
                content_type: 'text',
              }
            : { conversation_id: 'c1', actor: null },
      }) as unknown as StoredEvent;
    const events = [
      event(101, 'message.received', NUMBER, T0 + 1_000),
      event(102, 'message.received', OTHER_NUMBER, T0 + 1_000),
      event(103, 'conversation.resolved', OTHER_NUMBER, T0 + 1_500),
      event(104, 'message.received', null, T0 + 2_000),
      event(105, 'conversation.resolved', NUMBER, T0 + 3_000),
      event(106, 'message.received', OTHER_NUMBER, T0 + 3_000),
      event(107, 'message.received', NUMBER, T0 + 3_000),
      event(108, 'conversation.resolved', OTHER_NUMBER, T0 + 4_000),
    ];
    return { ids, events };
  }

  const deliveries = async (trx: Transaction<DB>) =>
    (
      await trx
        .selectFrom('webhook_deliveries')
        .innerJoin('webhook_endpoints', 'webhook_endpoints.id', 'webhook_deliveries.endpoint_id')
        .select([
          'webhook_endpoints.description',
          'event_id',
          'event_type',
          'body',
          'state',
          'next_attempt_at',
        ])
        .orderBy('event_id')
        .orderBy('webhook_endpoints.description')
        .execute()
    ).map((d) => ({ ...d, event_id: Number(d.event_id), next_attempt_at: Number(d.next_attempt_at) }));

  /** Runs `work` in a transaction that is rolled back: the deliveries and jobs it made, and what it read. */
  async function trial(work: (trx: Transaction<DB>) => Promise<void>) {
    const reads = selectCounter(['webhook_endpoints', 'phone_numbers']);
    const counted = { endpoints: 0, numbers: 0 };
    const { seen, jobs } = await triedAndRolledBack(
      database.db.withPlugin(reads.plugin),
      work,
      async (trx) => {
        counted.endpoints = reads.of('webhook_endpoints');
        counted.numbers = reads.of('phone_numbers');
        const n = await trx
          .selectFrom('jobs')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        return { seen: await deliveries(trx), jobs: Number(n.n) };
      },
    );
    return { seen, jobs, counts: counted };
  }

  it('fans a slice out exactly as event by event, reading the endpoints and each number once', async () => {
    const { events } = await seeded();
    const one = await trial(async (trx) => {
      for (const e of events) await outboundWebhooksSubscriber.handle(trx as never, e);
    });
    const batch = await trial(async (trx) => {
      await outboundWebhooksSubscriber.handleBatch?.(trx as never, events);
    });
    // What each endpoint gets: its types, its account's numbers (the shared one: the default
    // organisation's numbers only once another organisation exists), events since its creation.
    expect(one.seen.map((d) => [d.event_id, d.description])).toEqual([
      [101, 'shared'],
      [101, 'waba'],
      [105, 'shared'],
      [106, 'later'],
      [107, 'shared'],
      [107, 'waba'],
      [108, 'later'],
    ]);
    expect(one.jobs).toBe(7);
    expect(batch.seen).toEqual(one.seen);
    expect(batch.jobs).toBe(one.jobs);
    expect(one.counts.endpoints).toBe(events.length);
    expect(batch.counts.endpoints).toBe(1);
    // Two numbers (and `null`): each number's account and organisation are read once in the slice.
    expect(batch.counts.numbers).toBeLessThanOrEqual(4);
    expect(batch.counts.numbers).toBeLessThan(one.counts.numbers);
  });

  it('adds nothing for a slice handled again (a crash before its cursor commit)', async () => {
    const { events } = await seeded();
    const twice = await trial(async (trx) => {
      await outboundWebhooksSubscriber.handleBatch?.(trx as never, events);
      await outboundWebhooksSubscriber.handleBatch?.(trx as never, events);
    });
    expect(twice.seen).toHaveLength(7);
    expect(twice.jobs).toBe(7);
  });
});
