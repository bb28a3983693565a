import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
