import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../testing/databases.ts';
import { type OnboardingEnv, startOnboardingEnv } from '../testing/onboarding-env.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests read loosely typed API answers.
type Loose = any;

const HOUR = 3_600_000;
let nextPhone = 447700900200;

async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, what: string): Promise<T> {
  const end = Date.now() + 20_000;
  for (;;) {
    const v = await fn();
    if (v) return v as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(testDialects)('onboarding a WhatsApp Business app number on %s', (dialect) => {
  let env: OnboardingEnv;
  beforeAll(async () => {
    env = await startOnboardingEnv(dialect);
  });
  afterAll(async () => {
    await env?.close();
  });

  const complete = async (s: { sessionId: string; code: string; wabaId: string; phoneNumberId: string }) =>
    env.api('POST', `/api/numbers/onboarding/${s.sessionId}/complete`, {
      code: s.code,
      waba_id: s.wabaId,
      phone_number_id: s.phoneNumberId,
    });
  const syncs = async (pnid: string) =>
    (await env.api('GET', `/api/numbers/${pnid}/syncs`)).body.data as Loose[];
  const stageOf = async (pnid: string, type: string) => (await syncs(pnid)).find((s) => s.sync_type === type);
  /** Graph calls of one sync type the sandbox received for a number. */
  const syncCalls = async (pnid: string, type: string) =>
    (await env.sandbox.control.requests()).data.filter(
      (r: Loose) => String(r.url).includes(`/${pnid}/smb_app_data`) && r.body?.sync_type === type,
    ).length;
  const phone = () => String(nextPhone++);

  it('explains eligibility: unsupported country and old app block, a young number and no page warn', async () => {
    const res = await env.api('POST', '/api/numbers/onboarding/eligibility', {
      phone_number: '+27 82 123 4567',
      app_version: '2.24.9',
      days_in_use: 3,
      facebook_page_linked: false,
    });
    expect(res.status).toBe(200);
    expect(res.body.eligible).toBe(false);
    const byId = Object.fromEntries(res.body.items.map((i: Loose) => [i.id, i]));
    expect(byId.country).toMatchObject({ status: 'blocked', source: 'checked' });
    expect(byId.country.reason).toMatch(/\+27/);
    expect(byId.app_version).toMatchObject({ status: 'blocked', source: 'asked' });
    expect(byId.app_version.fix).toMatch(/Update/);
    expect(byId.days_in_use).toMatchObject({ status: 'warning' });
    expect(byId.facebook_page).toMatchObject({ status: 'warning' });
    const refused = await env.api('POST', '/api/numbers/onboarding', {
      phone_number: '+27 82 123 4567',
      app_version: '2.25.1',
      days_in_use: 30,
      facebook_page_linked: true,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.items[0].status).toBe('blocked');
  });

  it('accepted: code exchanged, token sealed, app subscribed, number registered, both syncs requested and imported', async () => {
    const s = await env.signup({ phone: phone() });
    const done = await complete(s);
    expect(done.status).toBe(200);
    expect(done.body.state).toBe('connected');
    expect(done.body.steps.map((x: Loose) => [x.step, x.status])).toEqual([
      ['exchange_code', 'done'],
      ['subscribe_app', 'done'],
      ['read_number', 'done'],
      ['register_number', 'done'],
      ['request_contacts_sync', 'done'],
      ['request_history_sync', 'done'],
    ]);
    // The hub's configuration token is refused by the sandbox: all of it used the WABA's own token.
    const cred = await env.db.db
      .selectFrom('waba_credentials')
      .selectAll()
      .where('waba_id', '=', s.wabaId)
      .executeTakeFirstOrThrow();
    expect(cred.token_sealed.startsWith('v1.')).toBe(true);
    const number = await env.db.db
      .selectFrom('phone_numbers')
      .selectAll()
      .where('id', '=', s.phoneNumberId)
      .executeTakeFirstOrThrow();
    expect(number).toMatchObject({ waba_id: s.wabaId, is_coexistence: 1, connection_state: 'connected' });
    expect(await stageOf(s.phoneNumberId, 'history')).toMatchObject({ stage: 'requested', actions: [] });

    await env.sandbox.clock.advance(10 * 60_000);
    await env.sandbox.idle();
    const view = await waitFor(async () => {
      const v = (await env.api('GET', `/api/numbers/onboarding/${s.sessionId}`)).body;
      return v.syncs.every((x: Loose) => x.stage === 'complete') && v.partner_added ? v : null;
    }, 'both syncs to complete and PARTNER_ADDED');
    expect(view.syncs.find((x: Loose) => x.sync_type === 'history').progress).toBe(100);
    expect(view.history_messages).toBeGreaterThan(0);
    expect(view.contacts_received).toBeGreaterThan(0);
    expect(await syncCalls(s.phoneNumberId, 'history')).toBe(1);
  });

  it('declined: the owner refuses history sharing, 2593109 is shown with what to do', async () => {
    const s = await env.signup({ phone: phone(), shareHistory: false });
    expect((await complete(s)).body.state).toBe('connected');
    await env.sandbox.clock.advance(10 * 60_000);
    await env.sandbox.idle();
    const history = await waitFor(async () => {
      const h = await stageOf(s.phoneNumberId, 'history');
      return h?.stage === 'declined' ? h : null;
    }, 'history declined');
    expect(history.error.code).toBe(2593109);
    expect(history.what_to_do).toMatch(/declined to share the chat history/);
    expect(history.actions).toEqual([]);
    expect((await stageOf(s.phoneNumberId, 'smb_app_state_sync')).stage).toBe('complete');
  });

  it('already requested: asking again is answered from the record, and Meta refuses a second request with 2593107', async () => {
    const s = await env.signup({ phone: phone() });
    await complete(s);
    const again = await env.api('POST', `/api/numbers/${s.phoneNumberId}/sync`, { sync_type: 'history' });
    expect(again.status).toBe(200);
    expect(again.body.state).toBe('requested');
    expect(await syncCalls(s.phoneNumberId, 'history')).toBe(1);
    // A request whose outcome was lost (the hub's record says unknown), asked again by a person:
    await env.db.db
      .updateTable('number_sync_requests')
      .set({ state: 'unknown' })
      .where('phone_number_id', '=', s.phoneNumberId)
      .where('sync_type', '=', 'history')
      .execute();
    await env.db.db
      .updateTable('phone_numbers')
      .set({ history_state: 'requested' })
      .where('id', '=', s.phoneNumberId)
      .execute();
    const retried = await env.api('POST', `/api/numbers/${s.phoneNumberId}/syncs/history/resolve`, {
      resolution: 'retry',
    });
    expect(retried.status).toBe(409);
    expect(retried.body.error.code).toBe('SYNC_REQUEST_REFUSED');
    const h = await stageOf(s.phoneNumberId, 'history');
    expect(h).toMatchObject({ stage: 'refused', error: { code: 2593107 }, actions: [] });
    expect(h.what_to_do).toMatch(/already requested/);
    expect(await syncCalls(s.phoneNumberId, 'history')).toBe(2);
  });

  it('after 24 hours: a request Meta refused for another reason, asked again a day later, is refused with 2593108', async () => {
    const s = await env.signup({ phone: phone() });
    await env.sb('POST', '/_sandbox/graph-faults', { edge: 'smb_app_data', kind: 'rate_limited', times: 2 });
    const done = await complete(s);
    expect(done.body.state).toBe('connected');
    for (const type of ['smb_app_state_sync', 'history']) {
      expect(await stageOf(s.phoneNumberId, type)).toMatchObject({
        stage: 'failed',
        error: { code: 4 },
        actions: ['request'],
      });
    }
    await env.sandbox.clock.advance(25 * HOUR);
    for (const type of ['smb_app_state_sync', 'history']) {
      const again = await env.api('POST', `/api/numbers/${s.phoneNumberId}/sync`, { sync_type: type });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('SYNC_REQUEST_REFUSED');
      const st = await stageOf(s.phoneNumberId, type);
      expect(st).toMatchObject({ stage: 'refused', error: { code: 2593108 }, actions: [] });
      expect(st.what_to_do).toMatch(/24 hours/);
    }
    const third = await env.api('POST', `/api/numbers/${s.phoneNumberId}/sync`, { sync_type: 'history' });
    expect(third.status).toBe(409);
    expect(await syncCalls(s.phoneNumberId, 'history')).toBe(2);
  });

  it('a timeout is left unknown: never asked again by itself, resolved by a person', async () => {
    const s = await env.signup({ phone: phone() });
    await env.sb('POST', '/_sandbox/graph-faults', {
      edge: 'smb_app_data',
      kind: 'slow',
      delayMs: 1500,
      times: 1,
    });
    const done = await complete(s);
    expect(done.body.steps.find((x: Loose) => x.step === 'request_contacts_sync')).toMatchObject({
      status: 'failed',
    });
    const contacts = await stageOf(s.phoneNumberId, 'smb_app_state_sync');
    expect(contacts).toMatchObject({ stage: 'unknown', actions: ['mark_requested', 'retry'] });
    expect(contacts.what_to_do).toMatch(/not asked again by itself/);
    await waitFor(
      async () => (await syncCalls(s.phoneNumberId, 'smb_app_state_sync')) === 1,
      'the slow call to end',
    );
    const again = await env.api('POST', `/api/numbers/${s.phoneNumberId}/sync`, {
      sync_type: 'smb_app_state_sync',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('SYNC_OUTCOME_UNKNOWN');
    expect(await syncCalls(s.phoneNumberId, 'smb_app_state_sync')).toBe(1);
    const resolved = await env.api(
      'POST',
      `/api/numbers/${s.phoneNumberId}/syncs/smb_app_state_sync/resolve`,
      {
        resolution: 'requested',
        note: 'contacts are arriving',
      },
    );
    expect(resolved.status).toBe(200);
    expect(resolved.body.state).toBe('requested');
    expect(await syncCalls(s.phoneNumberId, 'smb_app_state_sync')).toBe(1);
  });

  it('a 5xx is unknown too, and the other sync goes on', async () => {
    const s = await env.signup({ phone: phone() });
    await env.sb('POST', '/_sandbox/graph-faults', { edge: 'smb_app_data', kind: 'error_500', times: 1 });
    await complete(s);
    expect((await stageOf(s.phoneNumberId, 'smb_app_state_sync')).stage).toBe('unknown');
    expect((await stageOf(s.phoneNumberId, 'history')).stage).toBe('requested');
  });

  it('disconnects a number: webhooks unsubscribed, token shredded, data kept', async () => {
    const s = await env.signup({ phone: phone() });
    await complete(s);
    await env.sandbox.clock.advance(10 * 60_000);
    await env.sandbox.idle();
    await waitFor(async () => (await stageOf(s.phoneNumberId, 'history')).stage === 'complete', 'history');
    const before = await env.db.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('phone_number_id', '=', s.phoneNumberId)
      .executeTakeFirstOrThrow();
    const res = await env.api('POST', `/api/numbers/${s.phoneNumberId}/disconnect`, {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      connection_state: 'disconnected',
      unsubscribed: true,
      token_forgotten: true,
      data_kept: true,
    });
    expect(env.sandbox.world.subscribedApps[s.wabaId]).toBe(false);
    expect(
      await env.db.db.selectFrom('waba_credentials').selectAll().where('waba_id', '=', s.wabaId).execute(),
    ).toEqual([]);
    const after = await env.db.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('phone_number_id', '=', s.phoneNumberId)
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect(Number(after.n)).toBeGreaterThan(0);
  });
});
