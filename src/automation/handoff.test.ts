import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sendMessage } from '../outbound/send-message.ts';
import {
  type AutomationFixture,
  insertRule,
  PN,
  startAutomationFixture,
} from '../testing/automation-fixture.ts';
import { testDialects } from '../testing/databases.ts';
import { automatedSendsInLastHour } from './automated-send.ts';
import { getControl, handBack, keepWithHumans } from './control.ts';

const CUSTOMER = '16505551234';
const principal = {
  kind: 'user' as const,
  id: 'u-agent',
  userId: 'u-agent',
  role: 'admin' as const,
  wabaIds: null,
};

const reply = { type: 'send', content: { type: 'text', text: { body: 'Bot here' } } };

describe.each(testDialects)('the coexistence handoff (%s)', (dialect) => {
  let f: AutomationFixture;
  let seq = 0;
  const text = (body: string, from = CUSTOMER) => ({
    from,
    id: `wamid.c${++seq}`,
    timestamp: String(Math.floor(f.h.clock.now() / 1000)),
    type: 'text',
    text: { body },
  });
  const echo = (body: string, to = CUSTOMER) => ({
    from: '15550783881',
    to,
    id: `wamid.e${++seq}`,
    timestamp: String(Math.floor(f.h.clock.now() / 1000)),
    type: 'text',
    text: { body },
  });
  const botMessages = async (conversationId: string) =>
    f.database.db
      .selectFrom('messages')
      .innerJoin('automated_sends', 'automated_sends.message_id', 'messages.id')
      .select(['messages.id', 'messages.status', 'messages.error_json', 'automated_sends.cancel_reason'])
      .where('messages.conversation_id', '=', conversationId)
      .orderBy('messages.seq')
      .execute();

  beforeEach(async () => {
    f = await startAutomationFixture(dialect);
    await f.database.db
      .insertInto('users')
      .values({
        id: 'u-agent',
        email: 'agent@example.com',
        name: 'Agent',
        role: 'agent',
        password_hash: 'x',
        all_wabas: 1,
        mfa_secret: null,
        mfa_pending_secret: null,
        mfa_enabled_at: null,
        mfa_last_step: null,
        presence: 'online',
        presence_at: null,
        last_login_at: null,
        disabled_at: null,
        created_at: 0,
        updated_at: 0,
      })
      .execute();
  });
  afterEach(async () => {
    await f.close();
  });

  it('the bot answers a customer, and a reply the owner typed on the phone cancels the bot message queued before it', async () => {
    await insertRule(f.database.db, { trigger: { type: 'customer_message' }, actions: [reply] });
    await f.deliver(f.inboundBody([text('hola')]));
    await f.engine();
    const conversationId = (await f.conversationOf(CUSTOMER)) as string;
    expect(await f.dispatch()).toBe(1);

    // A second customer message queues a bot reply; the owner answers from the phone before it goes.
    await f.deliver(f.inboundBody([text('still there?')]));
    await f.engine();
    await f.deliver(f.echoBody([echo('I am here, Ana')]));
    // The engine has not seen the echo yet: the send policy at dispatch refuses the bot message anyway.
    expect(await f.dispatch()).toBe(0);
    const bots = await botMessages(conversationId);
    expect(bots).toHaveLength(2);
    expect(bots[1]?.status).toBe('failed');
    expect(JSON.parse(bots[1]?.error_json ?? '{}').code).toBe('AUTOMATION_PAUSED');

    await f.engine();
    const control = await getControl(f.database.db, conversationId, f.h.clock.now());
    expect(control).toMatchObject({
      state: 'human',
      reason: 'human_control',
      by: { kind: 'owner', id: null },
    });
    expect(control?.paused_until).toBe(f.h.clock.now() + 30 * 60_000);

    // While humans hold it, the rule still runs and logs why it sent nothing.
    await f.deliver(f.inboundBody([text('ok thanks')]));
    await f.engine();
    expect(await f.dispatch()).toBe(0);
    const runs = await f.database.db
      .selectFrom('automation_runs')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .orderBy('id')
      .execute();
    expect(runs).toHaveLength(3);
    expect(runs[2]).toMatchObject({ outcome: 'skipped', reason: 'no action could be done (see steps)' });
    expect(JSON.parse(runs[2]?.steps_json ?? '[]')[0].detail).toMatch(/^human_control/);
  });

  it("an agent's reply cancels queued bot messages before they reach Meta; a hand back lets the bot answer again", async () => {
    await insertRule(f.database.db, { trigger: { type: 'customer_message' }, actions: [reply] });
    await f.deliver(f.inboundBody([text('hello')]));
    await f.engine();
    const conversationId = (await f.conversationOf(CUSTOMER)) as string;
    await sendMessage(f.h.deps, {
      recipient: { conversationId },
      content: { type: 'text', text: { body: 'Agent here' } },
      origin: 'agent',
      authorUserId: 'u-agent',
    });
    await f.engine();
    const cancelled = await f.database.db
      .selectFrom('outbox_jobs')
      .innerJoin('automated_sends', 'automated_sends.message_id', 'outbox_jobs.message_id')
      .select(['outbox_jobs.state', 'automated_sends.cancel_reason'])
      .execute();
    expect(cancelled).toEqual([{ state: 'cancelled', cancel_reason: 'human_reply' }]);
    expect(await f.dispatch()).toBe(1); // the agent's message only
    expect(f.dispatched.map((d) => d.origin)).toEqual(['agent']);
    expect(await getControl(f.database.db, conversationId, f.h.clock.now())).toMatchObject({
      state: 'human',
      by: { kind: 'user', id: 'u-agent' },
    });

    await handBack(f.h.deps, { principal, conversationId });
    await f.deliver(f.inboundBody([text('and now?')]));
    await f.engine();
    expect(await f.dispatch()).toBe(1);
    expect(f.dispatched.map((d) => d.origin)).toEqual(['agent', 'bot']);
  });

  it('the humans hold it for the silence (each reply extends it); keep with humans holds it past the silence', async () => {
    await insertRule(f.database.db, { trigger: { type: 'customer_message' }, actions: [reply] });
    await f.deliver(f.inboundBody([text('hi')]));
    await f.engine();
    await f.dispatch();
    const conversationId = (await f.conversationOf(CUSTOMER)) as string;
    await f.deliver(f.echoBody([echo('owner here')]));
    await f.engine();
    f.h.clock.advance(20 * 60_000);
    await f.deliver(f.echoBody([echo('one more thing')]));
    await f.engine();
    f.h.clock.advance(20 * 60_000); // 40 min after the first reply, 20 after the last: still held
    await f.deliver(f.inboundBody([text('?')]));
    await f.engine();
    expect(await f.dispatch()).toBe(0);
    f.h.clock.advance(11 * 60_000); // 31 min of silence: automation speaks again
    await f.deliver(f.inboundBody([text('anyone?')]));
    await f.engine();
    expect(await f.dispatch()).toBe(1);

    await keepWithHumans(f.h.deps, { principal, conversationId });
    f.h.clock.advance(24 * 3_600_000);
    await f.deliver(f.inboundBody([text('hello again')]));
    await f.engine();
    expect(await f.dispatch()).toBe(0);
    expect(await getControl(f.database.db, conversationId, f.h.clock.now())).toMatchObject({
      state: 'human',
      reason: 'keep_with_humans',
      keep_with_humans: true,
      paused_until: null,
    });
  });

  it('the loop breaker caps automated messages per conversation per hour', async () => {
    await f.database.db
      .insertInto('automation_settings')
      .values({ phone_number_id: PN, human_silence_ms: 30 * 60_000, loop_cap_per_hour: 3, updated_at: 0 })
      .execute();
    await insertRule(f.database.db, { trigger: { type: 'customer_message' }, actions: [reply] });
    for (let i = 0; i < 5; i++) {
      await f.deliver(f.inboundBody([text(`msg ${i}`)]));
      f.h.clock.advance(60_000);
    }
    await f.engine();
    const conversationId = (await f.conversationOf(CUSTOMER)) as string;
    expect(await automatedSendsInLastHour(f.database.db, conversationId, f.h.clock.now())).toBe(3);
    const last = await f.database.db
      .selectFrom('automation_runs')
      .select('steps_json')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(last.steps_json)[0].detail).toMatch(/^loop_breaker/);
    f.h.clock.advance(60 * 60_000);
    await f.deliver(f.inboundBody([text('an hour later')]));
    await f.engine();
    expect(await automatedSendsInLastHour(f.database.db, conversationId, f.h.clock.now())).toBe(1);
  });

  it('echoes and imported history trigger nothing; a VIP gets no bot answer and is not auto-assigned', async () => {
    await insertRule(f.database.db, {
      trigger: { type: 'customer_message' },
      actions: [reply, { type: 'assign_policy' }],
    });
    await f.deliver(
      f.echoBody([echo('owner starts a chat', '5215550001111')]),
      f.historyBody([
        {
          id: '5215550002222',
          messages: [{ ...text('old message', '5215550002222'), history_context: { status: 'READ' } }],
        },
      ]),
    );
    await f.engine();
    expect(await f.database.db.selectFrom('automation_runs').selectAll().execute()).toEqual([]);

    const contact = await f.database.db
      .selectFrom('contacts')
      .select('id')
      .where('wa_id', '=', '5215550002222')
      .executeTakeFirstOrThrow();
    await f.database.db
      .insertInto('vip_contacts')
      .values({ contact_id: contact.id, note: null, created_by: null, created_at: 0 })
      .execute();
    await f.deliver(f.inboundBody([text('it is me, the VIP', '5215550002222')]));
    await f.engine();
    expect(await f.dispatch()).toBe(0);
    const run = await f.database.db.selectFrom('automation_runs').selectAll().executeTakeFirstOrThrow();
    const steps = JSON.parse(run.steps_json) as { action: string; ok: boolean; detail: string }[];
    expect(steps.map((s) => [s.action, s.ok])).toEqual([
      ['send', false],
      ['assign_policy', false],
    ]);
    expect(steps[0]?.detail).toMatch(/^vip/);
    const conversation = await f.database.db
      .selectFrom('conversations')
      .select('assignee_user_id')
      .where('contact_id', '=', contact.id)
      .executeTakeFirstOrThrow();
    expect(conversation.assignee_user_id).toBeNull();
  });
});
