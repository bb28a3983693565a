import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AutomationFixture, insertRule, startAutomationFixture } from '../testing/automation-fixture.ts';
import { testDialects } from '../testing/databases.ts';
import { getControl } from './control.ts';

/**
 * A rule whose actions are [send, …, hand off]: the hand off takes the conversation for humans and
 * cancels the automated messages still queued, but not those the same run queued before it (as a
 * flow's handoff message, `automated_sends.by_handoff`). Messages queued earlier by other automation
 * are still cancelled, a human reply before dispatch still stops the run's own message, and a send
 * placed after the hand off is refused.
 */

const CUSTOMER = '16505550077';
const text = (body: string) => ({ type: 'text', text: { body } });

describe.each(testDialects)("a rule's hand off (%s)", (dialect) => {
  let f: AutomationFixture;
  let seq = 0;
  const says = (body: string) => ({
    from: CUSTOMER,
    id: `wamid.rh${++seq}`,
    timestamp: String(Math.floor(f.h.clock.now() / 1000)),
    type: 'text',
    text: { body },
  });
  const echo = (body: string) => ({
    from: '15550783881',
    to: CUSTOMER,
    id: `wamid.rhe${++seq}`,
    timestamp: String(Math.floor(f.h.clock.now() / 1000)),
    type: 'text',
    text: { body },
  });
  const customerSays = async (body: string) => {
    f.h.clock.advance(1_000);
    await f.deliver(f.inboundBody([says(body)]));
    await f.engine();
  };
  const automated = async (conversationId: string) =>
    (
      await f.database.db
        .selectFrom('messages')
        .innerJoin('automated_sends as a', 'a.message_id', 'messages.id')
        .select(['messages.content_json', 'messages.status', 'a.cancel_reason', 'a.by_handoff'])
        .where('messages.conversation_id', '=', conversationId)
        .orderBy('messages.seq')
        .execute()
    ).map((m) => ({
      body: JSON.parse(m.content_json).body,
      status: m.status,
      cancel_reason: m.cancel_reason,
      by_handoff: Number(m.by_handoff),
    }));
  const stepsOf = async (ruleId: string) => {
    const run = await f.database.db
      .selectFrom('automation_runs')
      .select(['outcome', 'steps_json'])
      .where('rule_id', '=', ruleId)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    return {
      outcome: run.outcome,
      steps: (JSON.parse(run.steps_json) as { action: string; ok: boolean; detail: string }[]).map((s) => [
        s.action,
        s.ok,
        s.detail.split(':')[0],
      ]),
    };
  };

  beforeEach(async () => {
    f = await startAutomationFixture(dialect);
  });
  afterEach(async () => {
    await f.close();
  });

  it('its own messages queued before the hand off still go; a send after the hand off is refused', async () => {
    const ruleId = await insertRule(f.database.db, {
      trigger: { type: 'keyword', keywords: ['human'], match: 'word' },
      actions: [
        { type: 'send', content: text('Connecting you with a person.') },
        { type: 'send', content: text('Someone will answer shortly.') },
        { type: 'hand_off' },
        { type: 'send', content: text('Never sent: humans have it.') },
      ],
    });
    await customerSays('I want a human please');
    const conversationId = (await f.conversationOf(CUSTOMER)) as string;
    expect(await getControl(f.database.db, conversationId, f.h.clock.now())).toMatchObject({
      state: 'human',
      reason: 'keep_with_humans',
      by: { kind: 'system', id: `rule:${ruleId}` },
    });
    expect(await stepsOf(ruleId)).toEqual({
      outcome: 'done',
      steps: [
        ['send', true, expect.stringMatching(/^queued message /)],
        ['send', true, expect.stringMatching(/^queued message /)],
        ['hand_off', true, expect.stringMatching(/^humans have it/)],
        ['send', false, 'keep_with_humans'],
      ],
    });
    // Each line has its stable code and values beside the English detail (the web app says them).
    const logged = await f.database.db
      .selectFrom('automation_runs')
      .select('steps_json')
      .where('rule_id', '=', ruleId)
      .executeTakeFirstOrThrow();
    const lines = JSON.parse(logged.steps_json) as { code: string; params?: Record<string, string> }[];
    expect(lines.map((l) => [l.code, l.params?.reason ?? l.params?.route ?? null])).toEqual([
      ['queued', null],
      ['queued', null],
      ['handed_off_queued', 'no_agents'],
      ['refused', 'keep_with_humans'],
    ]);
    // Both messages pass the send policy at dispatch, though humans hold the conversation.
    expect(await f.dispatch()).toBe(2);
    expect(await automated(conversationId)).toEqual([
      { body: 'Connecting you with a person.', status: 'sent', cancel_reason: null, by_handoff: 1 },
      { body: 'Someone will answer shortly.', status: 'sent', cancel_reason: null, by_handoff: 1 },
    ]);

    // The customer writes again: the rule runs, and nothing automated goes.
    await customerSays('human?');
    expect(await f.dispatch()).toBe(0);
    expect((await stepsOf(ruleId)).steps.map((s) => [s[0], s[1]])).toEqual([
      ['send', false],
      ['send', false],
      ['hand_off', true],
      ['send', false],
    ]);
    expect(await automated(conversationId)).toHaveLength(2);
  });

  it('a send after a hand off in the same event asks afresh whether automation may speak, and is refused', async () => {
    // The engine reads what a send asks for ahead, per slice; the hand off must make the send after
    // it ask again (it was read while automation still had the conversation).
    const ruleId = await insertRule(f.database.db, {
      trigger: { type: 'keyword', keywords: ['human'], match: 'word' },
      actions: [{ type: 'hand_off' }, { type: 'send', content: text('Never sent: humans have it.') }],
    });
    await customerSays('human');
    const conversationId = (await f.conversationOf(CUSTOMER)) as string;
    expect((await stepsOf(ruleId)).steps).toEqual([
      ['hand_off', true, expect.stringMatching(/^humans have it/)],
      ['send', false, 'keep_with_humans'],
    ]);
    expect(await automated(conversationId)).toEqual([]);
    expect(await f.dispatch()).toBe(0);
  });

  it('messages queued earlier by other automation are still cancelled', async () => {
    // The first rule answers every message; the second, after it, hands "human" off.
    await insertRule(f.database.db, {
      trigger: { type: 'customer_message' },
      actions: [{ type: 'send', content: text('A greeting from another rule.') }],
      position: 0,
    });
    await insertRule(f.database.db, {
      trigger: { type: 'keyword', keywords: ['human'], match: 'word' },
      actions: [{ type: 'send', content: text('Connecting you with a person.') }, { type: 'hand_off' }],
      position: 1,
    });
    // An earlier message queued a greeting that has not gone yet.
    await customerSays('hello');
    await customerSays('a human, please');
    const conversationId = (await f.conversationOf(CUSTOMER)) as string;
    expect(await f.dispatch()).toBe(1);
    expect(await automated(conversationId)).toEqual([
      { body: 'A greeting from another rule.', status: 'failed', cancel_reason: 'hand_off', by_handoff: 0 },
      { body: 'A greeting from another rule.', status: 'failed', cancel_reason: 'hand_off', by_handoff: 0 },
      { body: 'Connecting you with a person.', status: 'sent', cancel_reason: null, by_handoff: 1 },
    ]);
  });

  it("a human reply before the run's own message goes cancels it too", async () => {
    await insertRule(f.database.db, {
      trigger: { type: 'keyword', keywords: ['human'], match: 'word' },
      actions: [{ type: 'send', content: text('Connecting you with a person.') }, { type: 'hand_off' }],
    });
    await customerSays('human');
    const conversationId = (await f.conversationOf(CUSTOMER)) as string;
    // The owner answers from the phone before the sender picks the message up.
    await f.deliver(f.echoBody([echo('Hi, it is the owner')]));
    expect(await f.dispatch()).toBe(0);
    await f.engine();
    expect((await automated(conversationId)).map((m) => m.status)).toEqual(['failed']);
    expect(f.dispatched).toEqual([]);
  });
});
