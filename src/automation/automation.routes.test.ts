import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiToken } from '../auth/api-tokens.ts';
import { insertRule, startAutomationFixture } from '../testing/automation-fixture.ts';
import { testDialects } from '../testing/databases.ts';
import { NUMBER, seedInbox } from '../testing/seed.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';
import { automatedOriginsOf } from './automated-origins.ts';

const send = (body: string) => ({ type: 'send', content: { type: 'text', text: { body } } });

describe.each(testDialects)('automation settings API on %s', (dialect) => {
  let t: TestApp;
  let lead: string;
  beforeEach(async () => {
    t = await buildTestApp(dialect);
    await seedInbox(t.deps);
    lead = await t.token({ role: 'supervisor' });
  });
  afterEach(async () => t.close());

  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    token: string,
    payload?: unknown,
  ) =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  it('refuses a broken rule with the path of each problem, and orders rules as given', async () => {
    const broken = await call('POST', '/api/automation/rules', lead, {
      name: 'Price list',
      phone_number_id: NUMBER,
      trigger: { type: 'keyword', keywords: [] },
      actions: [send('Our prices')],
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('VALIDATION_FAILED');
    expect(broken.json().error.details.map((d: { path: string }) => d.path)).toContain('/trigger/keywords');
    // A send action's content is checked as POST /api/messages checks it.
    const badContent = await call('POST', '/api/automation/rules', lead, {
      name: 'Empty send',
      phone_number_id: NUMBER,
      trigger: { type: 'customer_message' },
      actions: [{ type: 'send', content: { type: 'text', text: { body: '' } } }],
    });
    expect(badContent.statusCode).toBe(400);
    expect(badContent.json().error.message).toMatch(/^Action 1: /);

    const ids: string[] = [];
    for (const name of ['First', 'Second', 'Third']) {
      const created = await call('POST', '/api/automation/rules', lead, {
        name,
        phone_number_id: NUMBER,
        trigger: { type: 'customer_message' },
        actions: [send(name)],
      });
      expect(created.statusCode).toBe(201);
      ids.push(created.json().id);
    }
    const names = async () =>
      (await call('GET', '/api/automation/rules', lead)).json().data.map((r: { name: string }) => r.name);
    expect(await names()).toEqual(['First', 'Second', 'Third']);
    const reordered = await call('POST', '/api/automation/rules/order', lead, {
      ids: [ids[2], ids[0], ids[1]],
    });
    expect(reordered.statusCode).toBe(200);
    expect(reordered.json().data.map((r: { name: string }) => r.name)).toEqual(['Third', 'First', 'Second']);
    expect(await names()).toEqual(['Third', 'First', 'Second']);
    // An order from a stale page (a rule missing, one twice) is refused, and nothing moves.
    const stale = await call('POST', '/api/automation/rules/order', lead, { ids: [ids[0], ids[0], ids[1]] });
    expect(stale.statusCode).toBe(400);
    expect(stale.json().error.details.missing).toEqual([ids[2]]);
    expect(await names()).toEqual(['Third', 'First', 'Second']);
    // Agents may not order rules.
    const agent = await t.token({ role: 'agent' });
    expect((await call('POST', '/api/automation/rules/order', agent, { ids })).statusCode).toBe(403);
  });

  it('keeps business hours with their time zone and holidays, and refuses an interval that ends before it starts', async () => {
    const refused = await call('PUT', `/api/automation/business-hours/${NUMBER}`, lead, {
      time_zone: 'America/Mexico_City',
      weekly: { mon: [['18:00', '09:00']] },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details.map((d: { path: string }) => d.path)).toContain('/weekly/mon/0');
    const saved = await call('PUT', `/api/automation/business-hours/${NUMBER}`, lead, {
      time_zone: 'America/Mexico_City',
      weekly: { mon: [['09:00', '18:00']], sat: [['10:00', '14:00']] },
      holidays: ['2026-12-25'],
      out_of_hours_text: 'We are closed.',
    });
    expect(saved.statusCode).toBe(200);
    const read = (await call('GET', `/api/automation/business-hours/${NUMBER}`, lead)).json();
    expect(read).toMatchObject({
      time_zone: 'America/Mexico_City',
      weekly: { mon: [['09:00', '18:00']], sat: [['10:00', '14:00']] },
      holidays: ['2026-12-25'],
      out_of_hours_text: 'We are closed.',
    });
    expect(typeof read.open_now).toBe('boolean');
    const unknownZone = await call('PUT', `/api/automation/business-hours/${NUMBER}`, lead, {
      time_zone: 'Mars/Olympus_Mons',
      weekly: {},
    });
    expect(unknownZone.statusCode).toBe(400);
  });
});

describe.each(testDialects)('the origin of automated messages on %s', (dialect) => {
  it('names the rule that sent each automated message of a conversation', async () => {
    const f = await startAutomationFixture(dialect);
    try {
      const ruleId = await insertRule(f.database.db, {
        trigger: { type: 'customer_message' },
        actions: [send('A rule answers')],
      });
      await f.database.db
        .updateTable('automation_rules')
        .set({ name: 'Greeter' })
        .where('id', '=', ruleId)
        .execute();
      await f.deliver(
        f.inboundBody([
          {
            from: '16505551234',
            id: 'wamid.c1',
            timestamp: String(Math.floor(f.h.clock.now() / 1000)),
            type: 'text',
            text: { body: 'hi' },
          },
        ]),
      );
      await f.engine();
      const conversationId = await f.conversationOf('16505551234');
      expect(conversationId).not.toBeNull();
      const principal = {
        kind: 'user' as const,
        id: 'u',
        userId: 'u',
        role: 'admin' as const,
        wabaIds: null,
      };
      const origins = await automatedOriginsOf(f.database.db, principal, conversationId as string);
      expect(origins).toHaveLength(1);
      expect(origins[0]).toMatchObject({
        kind: 'rule',
        id: ruleId,
        name: 'Greeter',
        step_id: null,
        cancel_reason: null,
      });
      // Another business account's principal sees no such conversation.
      await expect(
        automatedOriginsOf(f.database.db, { ...principal, wabaIds: ['other'] }, conversationId as string),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await f.close();
    }
  });
});

describe.each(testDialects)('the run log API on %s', (dialect) => {
  it('lists a rule’s runs newest first, filtered by outcome, conversation and time, a page at a time', async () => {
    const f = await startAutomationFixture(dialect);
    try {
      const priced = await insertRule(f.database.db, {
        trigger: { type: 'customer_message' },
        conditions: [{ type: 'message_text', op: 'contains', value: 'price' }],
        actions: [send('Our prices')],
      });
      const other = await insertRule(f.database.db, {
        trigger: { type: 'customer_message' },
        actions: [send('Hello')],
        position: 1,
      });
      const say = (from: string, id: string, body: string) =>
        f.inboundBody([
          { from, id, timestamp: String(Math.floor(f.h.clock.now() / 1000)), type: 'text', text: { body } },
        ]);
      await f.deliver(say('16505550001', 'wamid.r1', 'hola'));
      await f.engine();
      f.h.clock.advance(60_000);
      await f.deliver(say('16505550002', 'wamid.r2', 'what is the price?'));
      await f.engine();
      const second = await f.conversationOf('16505550002');
      const { token } = await createApiToken(f.database.db, {
        name: 'runs',
        role: 'supervisor',
        now: f.h.clock.now(),
      });
      const runs = async (query: string) => {
        const res = await f.h.app.inject({
          method: 'GET',
          url: `/api/automation/runs?${query}`,
          headers: { authorization: `Bearer ${token}` },
        });
        return { status: res.statusCode, body: res.json() };
      };

      const all = await runs(`rule_id=${priced}`);
      expect(all.status).toBe(200);
      expect(all.body.data.map((r: { outcome: string }) => r.outcome)).toEqual(['done', 'skipped']);
      expect(all.body.data.every((r: { rule_id: string }) => r.rule_id === priced)).toBe(true);
      // Why it did nothing, and what it did.
      const skipped = await runs(`rule_id=${priced}&outcome=skipped`);
      expect(skipped.body.data).toHaveLength(1);
      expect(skipped.body.data[0]).toMatchObject({
        trigger: 'customer_message',
        reason: 'condition 1 (message_text) not met',
        reason_code: 'condition_not_met',
        reason_params: { index: '1', condition: 'message_text' },
        steps: [],
      });
      const done = await runs(`rule_id=${priced}&outcome=done&conversation_id=${second}`);
      expect(done.body.data).toHaveLength(1);
      expect(done.body.data[0]).toMatchObject({ reason: null, reason_code: null, reason_params: null });
      expect(done.body.data[0].steps[0]).toMatchObject({ action: 'send', ok: true, code: 'queued' });
      expect(done.body.data[0].steps[0].detail).toMatch(/^queued message /);
      expect(done.body.data[0].steps[0].detail).toBe(
        `queued message ${done.body.data[0].steps[0].params.message_id}`,
      );
      // The other rule ran for both messages.
      expect((await runs(`rule_id=${other}`)).body.data).toHaveLength(2);
      // A time range: only the run at or after the second message.
      const from = new Date(f.h.clock.now()).toISOString();
      const recent = await runs(`rule_id=${priced}&from=${encodeURIComponent(from)}`);
      expect(recent.body.data.map((r: { outcome: string }) => r.outcome)).toEqual(['done']);
      const before = await runs(`rule_id=${priced}&to=${encodeURIComponent(from)}`);
      expect(before.body.data.map((r: { outcome: string }) => r.outcome)).toEqual(['skipped']);
      // Pages: one run, then the next from its cursor.
      const page1 = await runs(`rule_id=${priced}&limit=1`);
      expect(page1.body.data).toHaveLength(1);
      expect(page1.body.next_cursor).not.toBeNull();
      const page2 = await runs(`rule_id=${priced}&limit=1&before=${page1.body.next_cursor}`);
      expect(page2.body.data[0].outcome).toBe('skipped');
      expect(page2.body.next_cursor).toBeNull();
      // Bad filters are refused with a stable code.
      for (const bad of ['outcome=maybe', 'from=yesterday', 'limit=0']) {
        const refused = await runs(`rule_id=${priced}&${bad}`);
        expect(refused.status).toBe(400);
        expect(refused.body.error.code).toBe('VALIDATION_FAILED');
      }
      // A token of another business account sees none of this number's runs.
      const { token: stranger } = await createApiToken(f.database.db, {
        name: 'other',
        role: 'supervisor',
        wabaId: 'waba-other',
        now: f.h.clock.now(),
      });
      const hidden = await f.h.app.inject({
        method: 'GET',
        url: `/api/automation/runs?rule_id=${priced}`,
        headers: { authorization: `Bearer ${stranger}` },
      });
      expect(hidden.json().data).toEqual([]);
    } finally {
      await f.close();
    }
  });
});
