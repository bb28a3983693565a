import type { Kysely, Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsSubscriber } from '../analytics/analytics.subscriber.ts';
import { overviewReport } from '../analytics/reports.ts';
import type { DB } from '../database.ts';
import { newMessageRow } from '../messages/new-message-row.ts';
import type { EventTables } from '../platform/events/event.table.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import type { StoredEvent } from '../platform/events/subscriber.ts';
import { startSubscriberWorker, toStoredEvent } from '../platform/events/subscriber-worker.ts';
import { checkSlas } from '../sla/sla.job.ts';
import { testDialects } from '../testing/databases.ts';
import { NUMBER, seedContact, seedConversation, seedNumber, T0, WABA } from '../testing/seed.ts';
import { selectCounter, triedAndRolledBack } from '../testing/statements.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';
import { csatSubscriber } from './csat.subscriber.ts';

const MIN = 60_000;

describe.each(testDialects)('CSAT surveys and response SLAs (%s)', (dialect) => {
  let fx: TestApp;
  let n = 0;
  const drain = async () => {
    const worker = startSubscriberWorker({
      db: fx.db as unknown as Kysely<EventTables>,
      subscribers: [analyticsSubscriber, csatSubscriber],
      clock: fx.clock,
      autoStart: false,
      gapGraceMs: 0,
      context: fx.deps,
    });
    while ((await worker.runOnce()) > 0) {
      // until nothing is left
    }
    await worker.stop();
  };
  /** A customer message as the ingestion records it: the row and `message.received`. */
  const inbound = async (conversation: string, type: string, content: unknown) => {
    const id = `in-${++n}`;
    const at = fx.clock.now();
    await fx.db
      .insertInto('messages')
      .values(
        newMessageRow({
          id,
          phone_number_id: NUMBER,
          conversation_id: conversation,
          contact_id: `ct-${conversation}`,
          wamid: `wamid.${id}`,
          direction: 'inbound',
          origin: 'customer',
          type,
          content_json: JSON.stringify(content),
          timestamp: at,
          received_at: at,
          status: 'received',
        }),
      )
      .execute();
    await recordEvent(
      fx.db,
      {
        type: 'message.received',
        phoneNumberId: NUMBER,
        payload: {
          message_id: id,
          conversation_id: conversation,
          contact_id: `ct-${conversation}`,
          wamid: null,
          content_type: type,
        },
      },
      at,
    );
  };
  const conversation = async (id: string, waId: string) => {
    await seedContact(fx.db, { id: `ct-${id}`, phone_number_id: NUMBER, wa_id: waId });
    await seedConversation(fx.db, {
      id,
      phone_number_id: NUMBER,
      contact_id: `ct-${id}`,
      assignee_user_id: 'u-7',
      window_expires_at: fx.clock.now() + 24 * 60 * MIN,
      created_at: fx.clock.now(),
    });
    await recordEvent(
      fx.db,
      {
        type: 'conversation.opened',
        phoneNumberId: NUMBER,
        payload: { conversation_id: id, contact_id: `ct-${id}` },
      },
      fx.clock.now(),
    );
  };

  beforeAll(async () => {
    fx = await buildTestApp(dialect);
    fx.clock.set(T0);
    await seedNumber(fx.db, { id: NUMBER, waba_id: WABA });
    await fx.db
      .insertInto('analytics_number_settings')
      .values({
        phone_number_id: NUMBER,
        time_zone: 'UTC',
        first_response_target_ms: 15 * MIN,
        resolution_target_ms: 60 * MIN,
        csat_enabled: 1,
        csat_template_name: null,
        csat_template_language: null,
        csat_question: 'How did we do?',
        updated_at: T0,
      })
      .execute();
    // The survey subscriber starts from the newest event when first seen (old resolutions get no survey).
    await drain();
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('sends a 1-5 list after a resolution and records the rating and comment, without a new cycle', async () => {
    await conversation('c-csat', '16505550001');
    await inbound('c-csat', 'text', { body: 'hello' });
    await recordEvent(
      fx.db,
      {
        type: 'conversation.assigned',
        phoneNumberId: NUMBER,
        payload: { conversation_id: 'c-csat', from_user_id: null, to_user_id: 'u-7', actor: null },
      },
      fx.clock.now(),
    );
    fx.clock.advance(5 * MIN);
    await recordEvent(
      fx.db,
      {
        type: 'conversation.resolved',
        phoneNumberId: NUMBER,
        payload: { conversation_id: 'c-csat', actor: { kind: 'user', id: 'u-7' } },
      },
      fx.clock.now(),
    );
    await drain();
    const survey = await fx.db.selectFrom('csat_surveys').selectAll().executeTakeFirstOrThrow();
    expect(survey).toMatchObject({
      conversation_id: 'c-csat',
      channel: 'interactive',
      assignee_user_id: 'u-7',
      rating: null,
    });
    // Through the one send path: a queued message with its outbox job.
    const message = await fx.db
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', survey.message_id)
      .executeTakeFirstOrThrow();
    expect(message).toMatchObject({ origin: 'bot', type: 'interactive', status: 'queued' });
    const rows = JSON.parse(message.content_json).action.sections[0].rows.map((r: { id: string }) => r.id);
    expect(rows).toEqual([5, 4, 3, 2, 1].map((r) => `csat:${survey.id}:${r}`));
    expect(
      await fx.db
        .selectFrom('outbox_jobs')
        .select('message_id')
        .where('message_id', '=', message.id)
        .execute(),
    ).toHaveLength(1);

    fx.clock.advance(MIN);
    await inbound('c-csat', 'interactive', {
      type: 'list_reply',
      list_reply: { id: `csat:${survey.id}:4`, title: '4 - Good' },
    });
    fx.clock.advance(MIN);
    await inbound('c-csat', 'text', { body: 'Quick and kind, thanks' });
    await drain();
    const rated = await fx.db
      .selectFrom('csat_surveys')
      .selectAll()
      .where('id', '=', survey.id)
      .executeTakeFirstOrThrow();
    expect(rated).toMatchObject({ rating: 4, comment: 'Quick and kind, thanks' });

    const { totals } = await overviewReport(fx.db, {
      from: T0,
      to: T0 + 60 * MIN,
      numbers: [NUMBER],
      timeZone: 'UTC',
      businessHours: false,
    });
    expect(totals.csat).toMatchObject({
      sent: 1,
      responses: 1,
      score: 1,
      response_rate: 1,
      distribution: [0, 0, 0, 1, 0],
    });
    // The answer and its comment are not a new request: still one cycle, one resolution.
    expect(totals.conversations_reopened).toBe(0);
    expect(totals.messages_received).toBe(1);
    // The survey is not a reply of the bot either.
    expect(totals.bot_engaged).toBe(0);
  });

  it('raises a first-response breach once, as an event, when the target passes unanswered', async () => {
    await conversation('c-sla', '16505550002');
    await inbound('c-sla', 'text', { body: 'anyone there?' });
    await drain();
    expect(await checkSlas(fx.db, fx.clock.now() + 10 * MIN)).toBe(0);
    expect(await checkSlas(fx.db, fx.clock.now() + 16 * MIN)).toBe(1);
    expect(await checkSlas(fx.db, fx.clock.now() + 17 * MIN)).toBe(0);
    const breaches = await fx.db
      .selectFrom('sla_breaches')
      .selectAll()
      .where('conversation_id', '=', 'c-sla')
      .execute();
    expect(breaches.map((b) => b.kind)).toEqual(['first_response']);
    const events = await fx.db
      .selectFrom('domain_events')
      .select('payload_json')
      .where('fact', '=', 'sla.breached')
      .execute();
    expect(events.map((e) => JSON.parse(e.payload_json).conversation_id)).toContain('c-sla');
    // An hour after it started, the resolution target is missed too.
    expect(await checkSlas(fx.db, fx.clock.now() + 61 * MIN)).toBe(1);
  });

  it('handles a slice of answers and comments as one by one, reading the surveys once where nothing changed them', async () => {
    const now = fx.clock.now();
    for (const [c, wa] of [
      ['c-s1', '16505550011'],
      ['c-s2', '16505550012'],
      ['c-s3', '16505550013'],
      ['c-s4', '16505550014'],
    ] as const)
      await conversation(c, wa);
    const survey = (id: string, conversationId: string, ratedAt: number | null, n: number) => ({
      id,
      conversation_id: conversationId,
      phone_number_id: NUMBER,
      cycle: 1,
      message_id: `survey-${id}`,
      channel: 'interactive' as const,
      assignee_user_id: 'u-7',
      team_id: null,
      resolved_event_id: -n,
      sent_at: now - 50 * MIN,
      rating: ratedAt === null ? null : 3,
      comment: null,
      rated_at: ratedAt,
      rating_message_id: null,
    });
    await fx.db
      .insertInto('csat_surveys')
      .values([
        survey('s1', 'c-s1', now - 5 * MIN, 1),
        survey('s2', 'c-s2', null, 2),
        // Rated longer ago than the comment window: a text now is no comment.
        survey('s3', 'c-s3', now - 40 * MIN, 3),
      ])
      .execute();
    const after = Number(
      (
        await fx.db
          .selectFrom('domain_events')
          .select((eb) => eb.fn.max('id').as('id'))
          .executeTakeFirstOrThrow()
      ).id,
    );
    await inbound('c-s1', 'text', { body: 'great' });
    await inbound('c-s1', 'text', { body: 'and another thing' });
    await inbound('c-s2', 'interactive', { type: 'list_reply', list_reply: { id: 'csat:s2:5', title: '5' } });
    fx.clock.advance(MIN);
    await inbound('c-s2', 'text', { body: 'thanks' });
    await inbound('c-s3', 'text', { body: 'late' });
    await inbound('c-s4', 'text', { body: 'no survey here' });
    const events = (
      await fx.db.selectFrom('domain_events').selectAll().where('id', '>', after).orderBy('id').execute()
    )
      .map(toStoredEvent)
      .filter((e): e is StoredEvent<'message.received'> => e?.type === 'message.received');
    expect(events).toHaveLength(6);
    const outcome = (work: (trx: Transaction<DB>) => Promise<void>) => {
      const reads = selectCounter(['csat_surveys', 'messages']);
      return triedAndRolledBack(fx.db.withPlugin(reads.plugin), work, async (trx) => ({
        // Counted first: the reads below are the test's own.
        reads: { surveys: reads.of('csat_surveys'), messages: reads.of('messages') },
        surveys: await trx
          .selectFrom('csat_surveys')
          .select(['id', 'rating', 'comment', 'rated_at', 'rating_message_id'])
          .where('id', 'in', ['s1', 's2', 's3'])
          .orderBy('id')
          .execute(),
        facts: (
          await trx
            .selectFrom('domain_events')
            .select(['fact', 'payload_json', 'created_at'])
            .where('id', '>', after)
            .where('fact', 'like', 'csat.%')
            .orderBy('id')
            .execute()
        ).map((f) => ({ ...f, payload_json: JSON.parse(f.payload_json) })),
      }));
    };
    const one = await outcome(async (trx) => {
      for (const e of events) await csatSubscriber.handle(trx as never, e, fx.deps);
    });
    const batch = await outcome(async (trx) => {
      await csatSubscriber.handleBatch?.(trx as never, events, fx.deps);
    });
    expect(one.surveys.map((s) => [s.id, s.rating, s.comment])).toEqual([
      ['s1', 3, 'great'],
      ['s2', 5, 'thanks'],
      ['s3', 3, null],
    ]);
    expect(one.facts.map((f) => [f.fact, f.payload_json.survey_id])).toEqual([
      ['csat.commented', 's1'],
      ['csat.rated', 's2'],
      ['csat.commented', 's2'],
    ]);
    expect({ ...batch, reads: null }).toEqual({ ...one, reads: null });
    expect(one.reads).toEqual({ surveys: 6, messages: 6 });
    // The preload, then afresh for the conversations the slice changed (c-s1 after its comment,
    // c-s2's rating and the text after it); c-s3 and c-s4 from the preload.
    expect(batch.reads).toEqual({ surveys: 4, messages: 1 });
    // A slice that changes no survey reads them once.
    const quiet = await outcome(async (trx) => {
      await csatSubscriber.handleBatch?.(trx as never, events.slice(4), fx.deps);
    });
    expect(quiet.reads).toEqual({ surveys: 1, messages: 1 });
  });
});
