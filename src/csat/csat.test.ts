import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsSubscriber } from '../analytics/analytics.subscriber.ts';
import { overviewReport } from '../analytics/reports.ts';
import { newMessageRow } from '../messages/new-message-row.ts';
import type { EventTables } from '../platform/events/event.table.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { startSubscriberWorker } from '../platform/events/subscriber-worker.ts';
import { checkSlas } from '../sla/sla.job.ts';
import { testDialects } from '../testing/databases.ts';
import { NUMBER, seedContact, seedConversation, seedNumber, T0, WABA } from '../testing/seed.ts';
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
});
