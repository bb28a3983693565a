import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AutomationFixture,
  insertRule,
  PN,
  startAutomationFixture,
} from '../testing/automation-fixture.ts';
import { testDialects } from '../testing/databases.ts';
import { createFlow } from './flows/flow-actions.ts';

/**
 * The engine end to end (signed webhooks → processors → event log → engine → outbox): a template's
 * quick-reply tap that a rule turns into a flow, and business hours read in the number's own time
 * zone (the out-of-hours reply and the "outside business hours" trigger).
 */

const text = (body: string) => ({ type: 'text', text: { body } });

describe.each(testDialects)('the automation engine on %s', (dialect) => {
  let f: AutomationFixture;
  let seq = 0;
  const say = (from: string, message: Record<string, unknown>) =>
    f.inboundBody([
      { from, id: `wamid.e${++seq}`, timestamp: String(Math.floor(f.h.clock.now() / 1000)), ...message },
    ]);
  const botSaid = async (waId: string) => {
    const rows = await f.database.db
      .selectFrom('messages')
      .innerJoin('contacts', 'contacts.id', 'messages.contact_id')
      .select(['messages.content_json', 'messages.type'])
      .where('contacts.wa_id', '=', waId)
      .where('messages.origin', '=', 'bot')
      .orderBy('messages.seq')
      .execute();
    return rows.map((r) => {
      const c = JSON.parse(r.content_json);
      return r.type === 'text' ? c.body : `[${r.type}] ${c.body?.text ?? ''}`;
    });
  };
  const flow = (name: string, definition: unknown, extra: Record<string, unknown> = {}) =>
    f.database.db
      .transaction()
      .execute((trx) => createFlow(f.h.deps, trx, { name, definition, actor: null, userId: null, ...extra }));

  beforeEach(async () => {
    f = await startAutomationFixture(dialect);
  });
  afterEach(async () => {
    await f.close();
  });

  it('a template quick-reply tap starts the flow a rule names, not the welcome flow nor the session the customer was in', async () => {
    await flow(
      'Welcome',
      {
        start: 'menu',
        steps: [{ id: 'menu', type: 'ask', prompt: text('Welcome! What do you need?'), attribute: 'need' }],
      },
      { is_welcome: true, phone_number_id: PN },
    );
    const booking = await flow('Booking', {
      start: 'day',
      steps: [
        { id: 'day', type: 'ask', prompt: text('Which day would you like to come?'), attribute: 'day' },
      ],
    });
    const ruleId = await insertRule(f.database.db, {
      trigger: { type: 'quick_reply', payload: 'BOOK' },
      actions: [{ type: 'start_flow', flow_id: booking.id }],
    });
    // A campaign's template reached Ana; she taps its "Book a visit" button (Meta's `button` message).
    const tap = { type: 'button', button: { payload: 'BOOK', text: 'Book a visit' } };
    await f.deliver(say('16505550001', tap));
    await f.engine();
    expect(await botSaid('16505550001')).toEqual(['Which day would you like to come?']);
    const runs = await f.database.db
      .selectFrom('automation_runs')
      .select(['outcome', 'steps_json'])
      .where('rule_id', '=', ruleId)
      .execute();
    expect(runs).toHaveLength(1);
    expect(runs[0]?.outcome).toBe('done');
    expect(JSON.parse(runs[0]?.steps_json ?? '[]')[0]).toMatchObject({ action: 'start_flow', ok: true });

    // Ben is inside the welcome flow's question when he taps it: the tap is no answer to it.
    await f.deliver(say('16505550002', { type: 'text', text: { body: 'hi' } }));
    await f.engine();
    expect(await botSaid('16505550002')).toEqual(['Welcome! What do you need?']);
    f.h.clock.advance(60_000);
    await f.deliver(say('16505550002', tap));
    await f.engine();
    expect(await botSaid('16505550002')).toEqual([
      'Welcome! What do you need?',
      'Which day would you like to come?',
    ]);
    const sessions = await f.database.db
      .selectFrom('flow_sessions')
      .innerJoin('conversations', 'conversations.id', 'flow_sessions.conversation_id')
      .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
      .select(['flow_sessions.flow_id', 'flow_sessions.status', 'flow_sessions.state_json'])
      .where('contacts.wa_id', '=', '16505550002')
      .orderBy('flow_sessions.started_at')
      .execute();
    expect(sessions.map((s) => [s.flow_id === booking.id ? 'booking' : 'welcome', s.status])).toEqual([
      ['welcome', 'cancelled'],
      ['booking', 'active'],
    ]);
    // The tap was not saved as the welcome flow's answer.
    expect(JSON.parse(sessions[0]?.state_json ?? '{}').answers ?? {}).toEqual({});

    // A tap no rule starts a flow for is an answer like any other (here: the welcome flow's).
    await f.deliver(say('16505550003', { type: 'button', button: { payload: 'OTHER', text: 'Other' } }));
    await f.engine();
    expect(await botSaid('16505550003')).toEqual(['Welcome! What do you need?']);
  });

  it('reads business hours in the number’s time zone, with holidays: the out-of-hours reply and its trigger', async () => {
    await f.database.db
      .insertInto('business_hours')
      .values({
        phone_number_id: PN,
        time_zone: 'America/Mexico_City',
        weekly_json: JSON.stringify({ mon: [['09:00', '18:00']], fri: [['09:00', '18:00']] }),
        holidays_json: JSON.stringify(['2026-12-25']),
        out_of_hours_text: 'We are closed; we open at 9:00 (Mexico City).',
        updated_at: 0,
      })
      .execute();
    await insertRule(f.database.db, {
      trigger: { type: 'outside_business_hours' },
      actions: [{ type: 'send', content: text('Leave your question and we will answer tomorrow.') }],
    });
    const at = (iso: string) => f.h.clock.set(Date.parse(iso));
    // Monday 2026-12-07 10:00 UTC is 04:00 in Mexico City: closed there (open in UTC's hours).
    at('2026-12-07T10:00:00Z');
    await f.deliver(say('16505550011', { type: 'text', text: { body: 'hola' } }));
    await f.engine();
    expect(await botSaid('16505550011')).toEqual([
      'We are closed; we open at 9:00 (Mexico City).',
      'Leave your question and we will answer tomorrow.',
    ]);
    // 20:00 UTC is 14:00 there: open (closed in UTC's hours), so neither.
    at('2026-12-07T20:00:00Z');
    await f.deliver(say('16505550012', { type: 'text', text: { body: 'hola' } }));
    await f.engine();
    expect(await botSaid('16505550012')).toEqual([]);
    // Friday 2026-12-25 at 14:00 there is a holiday: closed all day.
    at('2026-12-25T20:00:00Z');
    await f.deliver(say('16505550013', { type: 'text', text: { body: 'hola' } }));
    await f.engine();
    expect(await botSaid('16505550013')).toEqual([
      'We are closed; we open at 9:00 (Mexico City).',
      'Leave your question and we will answer tomorrow.',
    ]);
  });
});
