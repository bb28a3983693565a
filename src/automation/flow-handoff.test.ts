import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AutomationFixture,
  insertRule,
  PN,
  startAutomationFixture,
} from '../testing/automation-fixture.ts';
import { testDialects } from '../testing/databases.ts';
import { getControl, handBack } from './control.ts';
import { createFlow } from './flows/flow-actions.ts';

const CUSTOMER = '16505550001';
const text = (body: string) => ({ type: 'text', text: { body } });

/** A welcome flow that asks a name and hands off to humans with a message and a note. */
const leadFlow = {
  start: 'name',
  steps: [
    { id: 'name', type: 'ask', prompt: text('Your name?'), attribute: 'name', next: 'handoff' },
    { id: 'handoff', type: 'handoff', message: 'Connecting you with Sales.', note: 'Lead from the bot.' },
  ],
};

describe.each(testDialects)("a flow's handoff holds automation (%s)", (dialect) => {
  let f: AutomationFixture;
  let seq = 0;
  const says = (body: string) => ({
    from: CUSTOMER,
    id: `wamid.h${++seq}`,
    timestamp: String(Math.floor(f.h.clock.now() / 1000)),
    type: 'text',
    text: { body },
  });
  const echo = (body: string) => ({
    from: '15550783881',
    to: CUSTOMER,
    id: `wamid.he${++seq}`,
    timestamp: String(Math.floor(f.h.clock.now() / 1000)),
    type: 'text',
    text: { body },
  });
  const customerSays = async (body: string) => {
    f.h.clock.advance(1_000);
    await f.deliver(f.inboundBody([says(body)]));
    await f.engine();
  };
  const sent = async (conversationId: string) =>
    (
      await f.database.db
        .selectFrom('messages')
        .innerJoin('automated_sends as a', 'a.message_id', 'messages.id')
        .select(['messages.content_json', 'messages.status', 'a.origin'])
        .where('messages.conversation_id', '=', conversationId)
        .orderBy('messages.seq')
        .execute()
    ).map((m) => ({ origin: m.origin, body: JSON.parse(m.content_json).body, status: m.status }));

  beforeEach(async () => {
    f = await startAutomationFixture(dialect);
    await f.database.db.transaction().execute((trx) =>
      createFlow(f.h.deps, trx, {
        name: 'Lead capture',
        definition: leadFlow,
        phone_number_id: PN,
        is_welcome: true,
        actor: null,
        userId: null,
      }),
    );
    // A rule that answers every customer message the flow does not answer.
    await insertRule(f.database.db, {
      trigger: { type: 'customer_message' },
      actions: [{ type: 'send', content: text('A rule answers') }],
    });
  });
  afterEach(async () => {
    await f.close();
  });

  it('takes human control: the handoff message and note go, then neither rules nor flows answer until a hand back', async () => {
    await customerSays('hola');
    const conversationId = (await f.conversationOf(CUSTOMER)) as string;
    expect(await f.dispatch()).toBe(1);
    await customerSays('Ana Lima');
    // The handoff's own message was queued before the take over and still goes.
    expect(await f.dispatch()).toBe(1);
    expect(await sent(conversationId)).toEqual([
      { origin: 'bot', body: 'Your name?', status: 'sent' },
      { origin: 'bot', body: 'Connecting you with Sales.', status: 'sent' },
    ]);
    const notes = await f.database.db
      .selectFrom('conversation_notes')
      .select('body')
      .where('conversation_id', '=', conversationId)
      .execute();
    expect(notes.map((n) => n.body)).toEqual(['Lead from the bot.\nAnswers collected:\n- name: Ana Lima']);
    expect(await getControl(f.database.db, conversationId, f.h.clock.now())).toMatchObject({
      state: 'human',
      reason: 'keep_with_humans',
      keep_with_humans: true,
      by: { kind: 'system', id: expect.stringMatching(/^flow:/) },
    });

    // The customer writes again, even after the humans' silence would have run out: nothing answers.
    f.h.clock.advance(45 * 60_000);
    await customerSays('anyone?');
    expect(await f.dispatch()).toBe(0);
    expect(await sent(conversationId)).toHaveLength(2);
    const runs = await f.database.db
      .selectFrom('automation_runs')
      .select(['outcome', 'steps_json'])
      .where('conversation_id', '=', conversationId)
      .orderBy('id')
      .execute();
    const last = runs.at(-1);
    expect(last?.outcome).toBe('skipped');
    expect(JSON.parse(last?.steps_json ?? '[]')[0].detail).toMatch(/^keep_with_humans/);

    // An agent hands it back: the bot greets the customer again.
    await handBack(f.h.deps, {
      principal: { kind: 'user', id: 'u-admin', userId: 'u-admin', role: 'admin', wabaIds: null },
      conversationId,
    });
    await customerSays('hello again');
    expect(await f.dispatch()).toBe(1);
    expect((await sent(conversationId)).at(-1)).toEqual({
      origin: 'bot',
      body: 'Your name?',
      status: 'sent',
    });
  });

  it("a human reply before the handoff's message goes cancels it too", async () => {
    await customerSays('hola');
    const conversationId = (await f.conversationOf(CUSTOMER)) as string;
    expect(await f.dispatch()).toBe(1);
    await customerSays('Ana Lima');
    // The owner answers from the phone before the sender picks the handoff message up.
    await f.deliver(f.echoBody([echo('Hi Ana, it is the owner')]));
    expect(await f.dispatch()).toBe(0);
    await f.engine();
    expect((await sent(conversationId)).map((m) => m.status)).toEqual(['sent', 'failed']);
  });
});
