import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../meta-webhooks/webhook.endpoint.ts';
import { processWebhookEvent } from '../meta-webhooks/webhook.processor.ts';
import { claimPendingEvents } from '../meta-webhooks/webhook-event.repository.ts';
import { testDialects } from '../testing/databases.ts';
import {
  NUMBER,
  OTHER_NUMBER,
  OTHER_WABA,
  seedContact,
  seedConversation,
  seedMessage,
  seedNumber,
  T0,
  WABA,
} from '../testing/seed.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';

const DAY = 24 * 60 * 60 * 1000;
const NOW = T0 + 30 * DAY;

type ApiNumber = {
  id: string;
  last_echo_at: string | null;
  last_app_activity_at: string | null;
  days_left_before_14_day_rule: number | null;
};

/** Issue 16: right after a history import the number's page said "no app activity seen yet". */
describe.each(testDialects)("a number's Business-app activity on %s", (dialect) => {
  let h: TestApp;
  let auth: { authorization: string };

  const numbers = async (): Promise<Map<string, ApiNumber>> => {
    const res = await h.app.inject({ url: '/api/numbers', headers: auth });
    expect(res.statusCode).toBe(200);
    return new Map((res.json().data as ApiNumber[]).map((n) => [n.id, n]));
  };
  const one = async (id: string): Promise<ApiNumber> => {
    const res = await h.app.inject({ url: `/api/numbers/${id}`, headers: auth });
    expect(res.statusCode).toBe(200);
    return res.json() as ApiNumber;
  };

  beforeAll(async () => {
    h = await buildTestApp(dialect);
    h.clock.set(NOW);
    const db = h.database.db;
    await seedNumber(db, { id: NUMBER, waba_id: WABA, history_state: 'complete', history_progress: 100 });
    await seedNumber(db, { id: OTHER_NUMBER, waba_id: OTHER_WABA, display_phone_number: '15550000002' });
    for (const [number, suffix] of [
      [NUMBER, 'a'],
      [OTHER_NUMBER, 'b'],
    ] as const) {
      await seedContact(db, {
        id: `contact-${suffix}`,
        phone_number_id: number,
        wa_id: `1650555000${suffix === 'a' ? 1 : 2}`,
      });
      await seedConversation(db, {
        id: `conv-${suffix}`,
        phone_number_id: number,
        contact_id: `contact-${suffix}`,
      });
    }
    const message = (id: string, number: string, suffix: string) => ({
      id,
      phone_number_id: number,
      conversation_id: `conv-${suffix}`,
      contact_id: `contact-${suffix}`,
    });
    // Imported history on NUMBER: the owner's newest message from the phone was 4 days ago,
    // a customer wrote later (not the owner's activity), and older business messages count less.
    await seedMessage(db, {
      ...message('h1', NUMBER, 'a'),
      origin: 'history',
      direction: 'outbound',
      status: 'read',
      timestamp: NOW - 40 * DAY,
    });
    await seedMessage(db, {
      ...message('h2', NUMBER, 'a'),
      origin: 'history',
      direction: 'outbound',
      status: 'read',
      timestamp: NOW - 4 * DAY - 60_000,
    });
    await seedMessage(db, { ...message('h3', NUMBER, 'a'), origin: 'history', timestamp: NOW - DAY });
    // OTHER_NUMBER: only the customer's side in history, and an agent's send through the API.
    await seedMessage(db, { ...message('o1', OTHER_NUMBER, 'b'), origin: 'history', timestamp: NOW - DAY });
    await seedMessage(db, {
      ...message('o2', OTHER_NUMBER, 'b'),
      origin: 'agent',
      direction: 'outbound',
      status: 'sent',
      timestamp: NOW - DAY,
    });
    auth = { authorization: `Bearer ${await h.token()}` };
  });
  afterAll(async () => {
    await h.close();
  });

  it("counts imported history's newest business message as app activity until an echo is seen", async () => {
    const expected = {
      id: NUMBER,
      last_echo_at: null,
      last_app_activity_at: new Date(NOW - 4 * DAY - 60_000).toISOString(),
      // 4 days and a minute ago: 9 whole days are left before the 14-day rule.
      days_left_before_14_day_rule: 9,
    };
    expect((await numbers()).get(NUMBER)).toMatchObject(expected);
    expect(await one(NUMBER)).toMatchObject(expected);
  });

  it("never counts a customer's message or a send from the hub as the owner's app activity", async () => {
    const expected = { last_echo_at: null, last_app_activity_at: null, days_left_before_14_day_rule: null };
    expect((await numbers()).get(OTHER_NUMBER)).toMatchObject(expected);
    expect(await one(OTHER_NUMBER)).toMatchObject(expected);
  });

  it('counts from the newest of the live echo and the history', async () => {
    await h.database.db
      .updateTable('phone_numbers')
      .set({ last_echo_at: NOW - 2 * DAY })
      .where('id', '=', NUMBER)
      .execute();
    const echo = new Date(NOW - 2 * DAY).toISOString();
    expect(await one(NUMBER)).toMatchObject({
      last_echo_at: echo,
      last_app_activity_at: echo,
      days_left_before_14_day_rule: 12,
    });
  });
});

/** The same through Meta's own history webhook, stored and applied as the worker does. */
describe.each(testDialects)("a history import's app activity, from the webhook, on %s", (dialect) => {
  let h: TestApp;
  // fixtures/meta/history.json: the owner's newest message in the imported threads.
  const NEWEST_BUSINESS_MESSAGE = 1739230970 * 1000;

  beforeAll(async () => {
    h = await buildTestApp(dialect);
    await seedNumber(h.database.db, { id: NUMBER, waba_id: WABA });
  });
  afterAll(async () => {
    await h.close();
  });

  it('shows the app in use right after the import, counting down from its newest business message', async () => {
    const auth = { authorization: `Bearer ${await h.token()}` };
    const before = await h.app.inject({ url: `/api/numbers/${NUMBER}`, headers: auth });
    expect(before.json()).toMatchObject({ last_app_activity_at: null, days_left_before_14_day_rule: null });

    const body = readFileSync(new URL('../../fixtures/meta/history.json', import.meta.url));
    h.clock.set(NEWEST_BUSINESS_MESSAGE + 2 * DAY + 60_000);
    const posted = await h.app.inject({
      method: 'POST',
      url: '/webhooks/meta',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signBody('sandbox-app-secret', body),
      },
      payload: body,
    });
    expect(posted.statusCode).toBe(200);
    for (;;) {
      const events = await claimPendingEvents(h.database, {
        nodeId: 'test',
        now: h.clock.now(),
        leaseMs: 60_000,
        limit: 100,
      });
      if (events.length === 0) break;
      for (const e of events) await processWebhookEvent(h.deps, e);
    }

    const after = await h.app.inject({ url: `/api/numbers/${NUMBER}`, headers: auth });
    expect(after.json()).toMatchObject({
      last_echo_at: null,
      last_app_activity_at: new Date(NEWEST_BUSINESS_MESSAGE).toISOString(),
      // 2 days and a minute after the owner's newest message: 11 whole days left.
      days_left_before_14_day_rule: 11,
    });
  });
});
