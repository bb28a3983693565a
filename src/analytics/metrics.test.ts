import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_CARD } from '../costs/rate-card.ts';
import { AnalyticsScenario } from '../testing/analytics-scenario.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../testing/databases.ts';
import { NUMBER, OTHER_NUMBER, OTHER_WABA, seedNumber, T0, WABA } from '../testing/seed.ts';
import { recomputeAnalytics } from './recompute.ts';
import {
  costsReport,
  groupedReport,
  overviewReport,
  type ReportOptions,
  respondersReport,
} from './reports.ts';
import { rollupSnapshot } from './rollup.queries.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Within the 5% a histogram bin allows (docs/metrics.md, "Percentiles"). */
const near = (value: number | null, expected: number) => {
  expect(value).not.toBeNull();
  expect(Math.abs((value as number) - expected)).toBeLessThanOrEqual(expected * 0.05 + 1);
};

describe.each(testDialects)('metrics from the event log (%s)', (dialect) => {
  let database: TestDatabase;
  let main: AnalyticsScenario;
  let hours: AnalyticsScenario;
  const range = (numbers: string[], businessHours = false): ReportOptions => ({
    from: T0 - HOUR,
    to: T0 + 3 * 24 * HOUR,
    numbers,
    timeZone: 'UTC',
    businessHours,
  });

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const db = database.db;
    await seedNumber(db, { id: NUMBER, waba_id: WABA });
    await seedNumber(db, { id: OTHER_NUMBER, waba_id: OTHER_WABA, display_phone_number: '15550000002' });
    // Business hours on the other number only: Monday to Friday, 09:00-17:00 in New York (the
    // number's one schedule, which its out-of-hours reply reads too).
    const nineToFive: [string, string][] = [['09:00', '17:00']];
    await db
      .insertInto('business_hours')
      .values({
        phone_number_id: OTHER_NUMBER,
        time_zone: 'America/New_York',
        weekly_json: JSON.stringify({
          mon: nineToFive,
          tue: nineToFive,
          wed: nineToFive,
          thu: nineToFive,
          fri: nineToFive,
        }),
        holidays_json: '[]',
        out_of_hours_text: null,
        updated_at: T0,
      })
      .execute();
    main = new AnalyticsScenario(db, NUMBER);
    hours = new AnalyticsScenario(db, OTHER_NUMBER);

    // 1. The owner answers from the phone first (an echo), an agent later.
    await main.open('c-app', T0);
    await main.customer('c-app', T0);
    await main.echo('c-app', T0 + 2 * MIN);
    await main.agent('c-app', T0 + 5 * MIN, 'u-1');
    await main.resolve('c-app', T0 + 10 * MIN);

    // 2. The bot answers twice, hands off to an agent at +3 min, who replies at +8 min.
    await main.open('c-bot', T0);
    await main.customer('c-bot', T0);
    await main.bot('c-bot', T0 + 10_000);
    await main.customer('c-bot', T0 + MIN);
    await main.bot('c-bot', T0 + MIN + 10_000);
    await main.assign('c-bot', T0 + 3 * MIN, 'u-2');
    await main.agent('c-bot', T0 + 8 * MIN, 'u-2');
    await main.resolve('c-bot', T0 + 20 * MIN);

    // 3. The bot answers and the conversation is resolved without a human: contained.
    await main.open('c-contained', T0);
    await main.customer('c-contained', T0);
    await main.bot('c-contained', T0 + 5_000);
    await main.resolve('c-contained', T0 + MIN, { kind: 'system', id: 'bot' });

    // 4. Resolved, then the customer writes again: a second cycle, each measured on its own.
    await main.open('c-reopen', T0);
    await main.customer('c-reopen', T0);
    await main.agent('c-reopen', T0 + MIN, 'u-1');
    await main.resolve('c-reopen', T0 + 10 * MIN);
    await main.customer('c-reopen', T0 + HOUR);
    await main.reopen('c-reopen', T0 + HOUR, null);
    await main.agent('c-reopen', T0 + HOUR + 3 * MIN, 'u-1');
    await main.customer('c-reopen', T0 + HOUR + 4 * MIN);
    await main.customer('c-reopen', T0 + HOUR + 5 * MIN);
    await main.agent('c-reopen', T0 + HOUR + 10 * MIN, 'u-1');
    await main.resolve('c-reopen', T0 + HOUR + 30 * MIN);

    // 5. Costs: one charged service reply (priced on two statuses, counted once), one free one, one marketing.
    await main.open('c-cost', T0);
    await main.customer('c-cost', T0);
    const paid = await main.agent('c-cost', T0 + MIN, 'u-1');
    const service = { billable: true, pricing_model: 'PMP', type: 'regular', category: 'service' };
    await main.status('c-cost', paid, T0 + MIN + 1_000, 'sent', service);
    await main.status('c-cost', paid, T0 + MIN + 2_000, 'delivered', service);
    const free = await main.agent('c-cost', T0 + 2 * MIN, 'u-1');
    await main.status('c-cost', free, T0 + 2 * MIN + 1_000, 'delivered', {
      billable: false,
      pricing_model: 'PMP',
      type: 'free_customer_service',
      category: 'service',
    });
    const promo = await main.bot('c-cost', T0 + 3 * MIN);
    await main.status('c-cost', promo, T0 + 3 * MIN + 1_000, 'read', {
      billable: true,
      pricing_model: 'PMP',
      type: 'regular',
      category: 'marketing',
    });

    // 6. Business hours: a message at 04:00 New York (Wednesday), answered at 10:00: 6 h, 1 h of it in hours.
    await hours.open('c-night', T0);
    await hours.customer('c-night', T0);
    await hours.agent('c-night', T0 + 6 * HOUR, 'u-3');
    await hours.resolve('c-night', T0 + 6 * HOUR + 30 * MIN);

    await main.drain(T0 + 7 * HOUR);
  });

  afterAll(async () => {
    await database?.destroy();
  });

  it('counts a reply from the phone app as the first response, attributed to the Business app', async () => {
    const responders = await respondersReport(database.db, range([NUMBER]));
    const app = responders.find((r) => r.responder === 'business_app');
    expect(app?.first_responses).toBe(1);
    expect(app?.first_response_time.mean).toBe(2 * MIN);
    near(app?.first_response_time.median ?? null, 2 * MIN);
    // Agents made the first response in c-bot, c-reopen (twice) and c-cost; the bot's replies are never one.
    expect(responders.find((r) => r.responder === 'agent')?.first_responses).toBe(4);
    expect(responders.find((r) => r.responder === 'bot')?.first_responses).toBe(0);
  });

  it('starts the first-response clock at the bot handoff, and counts handoffs and containment', async () => {
    const agents = await groupedReport(database.db, range([NUMBER]), 'user_id');
    const u2 = agents.find((a) => a.key === 'u-2');
    expect(u2?.core.first_response_time.count).toBe(1);
    expect(u2?.core.first_response_time.mean).toBe(5 * MIN);
    const { totals } = await overviewReport(database.db, range([NUMBER]));
    // The bot answered before any human in c-bot and c-contained (in c-cost a human had replied); one handoff.
    expect(totals.bot_engaged).toBe(2);
    expect(totals.bot_handoffs).toBe(1);
    expect(totals.bot_resolved).toBe(2);
    expect(totals.bot_contained).toBe(1);
    expect(totals.bot_containment).toBe(0.5);
  });

  it('measures each open → resolve cycle of a reopened conversation, and every customer wait', async () => {
    const agents = await groupedReport(database.db, range([NUMBER]), 'user_id');
    const { totals } = await overviewReport(database.db, range([NUMBER]));
    expect(totals.conversations_opened).toBe(5);
    expect(totals.conversations_reopened).toBe(1);
    // c-app, c-bot, c-contained and the two cycles of c-reopen.
    expect(totals.conversations_resolved).toBe(5);
    expect(totals.resolution_time.count).toBe(5);
    expect(totals.resolution_time.mean).toBe(((10 + 20 + 1 + 10 + 30) * MIN) / 5);
    // u-1's first responses: c-reopen's two cycles (1 min, 3 min) and c-cost (1 min).
    const u1 = agents.find((a) => a.key === 'u-1');
    expect(u1?.core.first_response_time.count).toBe(3);
    expect(u1?.core.first_response_time.mean).toBe(((1 + 3 + 1) * MIN) / 3);
    // Human waits answered: c-app 2 min (echo); c-bot 5 min (from the handoff); c-reopen 1, 3 and 6 min
    // (the second wait started at the first of two messages); c-cost 1 min.
    expect(totals.reply_time.count).toBe(6);
    expect(totals.reply_time.mean).toBe(((2 + 5 + 1 + 3 + 6 + 1) * MIN) / 6);
    near(totals.reply_time.p90, 6 * MIN);
  });

  it('counts time inside business hours only when the report asks for it', async () => {
    const wall = await overviewReport(database.db, range([OTHER_NUMBER]));
    expect(wall.totals.first_response_time.mean).toBe(6 * HOUR);
    const inHours = await overviewReport(database.db, range([OTHER_NUMBER], true));
    expect(inHours.totals.first_response_time.mean).toBe(HOUR);
    expect(inHours.totals.resolution_time.mean).toBe(HOUR + 30 * MIN);
  });

  it('prices each message once, by category, with the share of free service-window traffic', async () => {
    const report = await costsReport(database.db, range([NUMBER]), DEFAULT_RATE_CARD);
    const service = report.rows.find((r) => r.category === 'service');
    const marketing = report.rows.find((r) => r.category === 'marketing');
    expect(service).toMatchObject({ messages: 2, charged: 1, free_customer_service: 1 });
    expect(marketing).toMatchObject({ messages: 1, charged: 1 });
    expect(report.free_service_window_share).toBeCloseTo(1 / 3);
    // The US price of each (country code 1 when the send recorded it, else the card's default).
    expect(service?.cost).toBeGreaterThan(0);
  });

  it('rebuilds the same rollups from the event log, and the subscriber goes on from there', async () => {
    const live = await rollupSnapshot(database.db);
    expect(live.length).toBeGreaterThan(20);
    const result = await recomputeAnalytics(database.db, { dialect, now: T0 + 7 * HOUR });
    expect(result.events).toBeGreaterThan(40);
    expect(await rollupSnapshot(database.db)).toEqual(live);

    // New events after the recompute are folded once by the subscriber, as if nothing happened.
    await main.customer('c-app', T0 + 2 * HOUR);
    await main.agent('c-app', T0 + 2 * HOUR + 4 * MIN, 'u-1');
    await main.resolve('c-app', T0 + 2 * HOUR + 5 * MIN);
    await main.drain(T0 + 7 * HOUR);
    const after = await rollupSnapshot(database.db);
    expect(after).not.toEqual(live);
    await recomputeAnalytics(database.db, { dialect, now: T0 + 7 * HOUR });
    expect(await rollupSnapshot(database.db)).toEqual(after);
  });
});
