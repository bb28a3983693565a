import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AutomationRuleRow } from '../automation/automation.table.ts';
import { type ParsedRule, runContextFor, runRule } from '../automation/rules.ts';
import { startSubscriberWorker } from '../platform/events/subscriber-worker.ts';
import { startJobRunner } from '../platform/jobs/job-runner.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../testing/databases.ts';
import { createTestUser, NUMBER, seedInbox, type TestUser } from '../testing/seed.ts';
import { createWebhookHarness, envelope, type WebhookHarness } from '../testing/webhook-harness.ts';
import { snoozeWakeSubscriber } from './snooze.subscriber.ts';
import { snoozeEndJob } from './snooze-end.job.ts';
import { snoozePresetTimes } from './snooze-presets.ts';

const HOUR = 3_600_000;

function customerText(id: string, at: number, body: string): string {
  return envelope('messages', {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550000001', phone_number_id: NUMBER },
    contacts: [{ profile: { name: 'Ana' }, wa_id: '16505551234' }],
    messages: [
      { from: '16505551234', id, timestamp: String(Math.floor(at / 1000)), type: 'text', text: { body } },
    ],
  });
}

describe('snooze presets', () => {
  it("are computed on the number's clock, daylight saving included", () => {
    // Wednesday 2026-03-25 10:00 in Madrid (UTC+1; Spain moves to UTC+2 on Sunday the 29th).
    const now = Date.UTC(2026, 2, 25, 9, 0);
    const t = snoozePresetTimes(now, 'Europe/Madrid');
    expect(new Date(t.one_hour!).toISOString()).toBe('2026-03-25T10:00:00.000Z');
    expect(new Date(t.tonight!).toISOString()).toBe('2026-03-25T19:00:00.000Z');
    expect(new Date(t.tomorrow_morning!).toISOString()).toBe('2026-03-26T08:00:00.000Z');
    // Next Monday 09:00 in Madrid is already summer time.
    expect(new Date(t.next_week!).toISOString()).toBe('2026-03-30T07:00:00.000Z');
    // At 19:45 in Mexico City, "tonight" (20:00) is too close to offer.
    const late = snoozePresetTimes(Date.UTC(2026, 2, 26, 1, 45), 'America/Mexico_City');
    expect(late.tonight).toBeUndefined();
    expect(new Date(late.tomorrow_morning!).toISOString()).toBe('2026-03-26T15:00:00.000Z');
  });
});

describe.each(testDialects)('snooze on %s', (dialect) => {
  let database: TestDatabase;
  let h: WebhookHarness;
  let agent: TestUser;
  let conversationId: string;

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    h = await createWebhookHarness(database);
    conversationId = (await seedInbox(h.deps)).conversationA;
    agent = await createTestUser(h.deps, { role: 'agent' });
  });
  afterEach(async () => {
    await h.close();
    await database.destroy();
  });

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    h.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${agent.token}` },
      ...(payload ? { payload } : {}),
    });
  const jobs = () =>
    startJobRunner({
      db: h.deps.database.db,
      dialect,
      jobs: [snoozeEndJob],
      deps: h.deps,
      clock: h.clock,
      autoStart: false,
    });
  const facts = async (fact: string) =>
    (
      await h.deps.database.db
        .selectFrom('domain_events')
        .select('payload_json')
        .where('fact', '=', fact)
        .orderBy('id')
        .execute()
    ).map((r) => JSON.parse(r.payload_json));
  const openList = async () =>
    ((await call('GET', '/api/conversations?status=open')).json().data as { id: string }[]).map((c) => c.id);

  it('leaves the open list until its time comes, then comes back open (a job)', async () => {
    const options = (await call('GET', `/api/conversations/${conversationId}/snooze-options`)).json();
    expect(options.time_zone).toBe('UTC');
    expect(options.options.map((o: { preset: string }) => o.preset)).toContain('tomorrow_morning');

    const snoozed = await call('POST', `/api/conversations/${conversationId}/snooze`, { preset: 'one_hour' });
    expect(snoozed.statusCode).toBe(200);
    const until = new Date(h.clock.now() + HOUR).toISOString();
    expect(snoozed.json()).toMatchObject({ status: 'pending', snoozed_until: until, snoozed_by: agent.id });
    expect(await openList()).not.toContain(conversationId);
    expect(await facts('conversation.snoozed')).toEqual([
      {
        conversation_id: conversationId,
        until: h.clock.now() + HOUR,
        actor: { kind: 'token', id: expect.any(String) },
      },
    ]);

    const runner = jobs();
    expect(await runner.runOnce()).toBe(0);
    h.clock.advance(HOUR);
    expect(await runner.runOnce()).toBe(1);
    const back = (await call('GET', `/api/conversations/${conversationId}`)).json();
    expect(back).toMatchObject({ status: 'open', snoozed_until: null });
    expect(await openList()).toContain(conversationId);
    expect(await facts('conversation.unsnoozed')).toEqual([
      { conversation_id: conversationId, reason: 'time', actor: { kind: 'system', id: 'inbox:snooze' } },
    ]);
  });

  it('comes back at once when the customer writes, and the old job then does nothing', async () => {
    const until = new Date(h.clock.now() + 2 * HOUR).toISOString();
    expect((await call('POST', `/api/conversations/${conversationId}/snooze`, { until })).json().status).toBe(
      'pending',
    );
    const worker = startSubscriberWorker({
      db: h.deps.database.db,
      clock: h.clock,
      subscribers: [snoozeWakeSubscriber],
      autoStart: false,
      context: h.deps,
    });
    // Its cursor starts at the newest event: the customer's message comes after.
    await worker.runOnce();
    expect((await h.post(customerText('wamid.snooze-1', h.clock.now(), 'Any news?'))).statusCode).toBe(200);
    await h.drain();
    await worker.runOnce();
    await worker.stop();
    expect((await call('GET', `/api/conversations/${conversationId}`)).json()).toMatchObject({
      status: 'open',
      snoozed_until: null,
      unread_count: 1,
    });
    expect(await facts('conversation.unsnoozed')).toEqual([
      { conversation_id: conversationId, reason: 'customer_message', actor: null },
    ]);
    // Resolved meanwhile: the snooze's job, when its time comes, leaves it alone.
    await call('POST', `/api/conversations/${conversationId}/snooze`, { preset: 'one_hour' });
    await h.app.inject({
      method: 'PATCH',
      url: `/api/conversations/${conversationId}`,
      headers: { authorization: `Bearer ${agent.token}` },
      payload: { status: 'resolved' },
    });
    h.clock.advance(3 * HOUR);
    await jobs().runOnce();
    expect((await call('GET', `/api/conversations/${conversationId}`)).json()).toMatchObject({
      status: 'resolved',
      snoozed_until: null,
    });
  });

  it('wakes a conversation once when the customer writes several times before the subscriber runs', async () => {
    const until = new Date(h.clock.now() + 2 * HOUR).toISOString();
    await call('POST', `/api/conversations/${conversationId}/snooze`, { until });
    const worker = startSubscriberWorker({
      db: h.deps.database.db,
      clock: h.clock,
      subscribers: [snoozeWakeSubscriber],
      autoStart: false,
      context: h.deps,
    });
    await worker.runOnce();
    // Three messages, handled in one slice: the first wakes it, the others find it awake.
    for (const n of [1, 2, 3]) {
      expect(
        (await h.post(customerText(`wamid.snooze-many-${n}`, h.clock.now(), `ping ${n}`))).statusCode,
      ).toBe(200);
    }
    await h.drain();
    expect(await worker.runOnce()).toBe(3);
    await worker.stop();
    expect((await call('GET', `/api/conversations/${conversationId}`)).json()).toMatchObject({
      status: 'open',
      snoozed_until: null,
      unread_count: 3,
    });
    expect(await facts('conversation.unsnoozed')).toEqual([
      { conversation_id: conversationId, reason: 'customer_message', actor: null },
    ]);
  });

  it('is woken early by an operator, refuses bad times, and is what a rule’s snooze does', async () => {
    await call('POST', `/api/conversations/${conversationId}/snooze`, { preset: 'next_week' });
    const woken = await call('DELETE', `/api/conversations/${conversationId}/snooze`);
    expect(woken.json()).toMatchObject({ status: 'open', snoozed_until: null });
    expect((await call('DELETE', `/api/conversations/${conversationId}/snooze`)).json().error.code).toBe(
      'CONFLICT',
    );
    const past = await call('POST', `/api/conversations/${conversationId}/snooze`, {
      until: new Date(h.clock.now() - HOUR).toISOString(),
    });
    expect(past.statusCode).toBe(400);
    expect(past.json().error.code).toBe('VALIDATION_FAILED');
    expect((await call('POST', `/api/conversations/${conversationId}/snooze`, {})).statusCode).toBe(400);
    expect(
      (await call('POST', `/api/conversations/other/snooze`, { preset: 'one_hour' })).json().error.code,
    ).toBe('NOT_FOUND');

    // A rule's snooze action goes through the same function: same columns, same job, same event.
    const rule = {
      row: { id: 'rule-1' } as AutomationRuleRow,
      trigger: { type: 'message_received' },
      conditions: [],
      actions: [{ type: 'snooze', minutes: 30 }],
    } as unknown as ParsedRule;
    await h.deps.database.db.transaction().execute(async (trx) => {
      const ctx = await runContextFor(h.deps, trx, { conversationId, now: h.clock.now(), message: null });
      await runRule(ctx!, rule, { trigger: 'message_received', dedupKey: 'k1' });
    });
    expect((await call('GET', `/api/conversations/${conversationId}`)).json()).toMatchObject({
      status: 'pending',
      snoozed_until: new Date(h.clock.now() + 30 * 60_000).toISOString(),
      snoozed_by: 'rule:rule-1',
    });
    h.clock.advance(30 * 60_000);
    expect(await jobs().runOnce()).toBe(1);
    expect((await call('GET', `/api/conversations/${conversationId}`)).json().status).toBe('open');
    expect((await facts('conversation.snoozed')).at(-1).actor).toEqual({ kind: 'system', id: 'rule:rule-1' });
  });
});
