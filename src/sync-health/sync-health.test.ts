import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../testing/databases.ts';
import { type OutboundEnv, PNID, startOutboundEnv, WABA } from '../testing/sandbox-env.ts';
import { appOpenCheck, echoesCheck, echoGapP90 } from './checks.ts';
import { alertCodeOf, RECONNECTED_ALERT, runSyncHealthChecks } from './sync-health.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// biome-ignore lint/suspicious/noExplicitAny: tests read loosely typed API answers.
type Loose = any;

describe('echo baseline and the 14-day rule (pure)', () => {
  it('judges echo silence against the number’s own rhythm', () => {
    const row = { connection_state: 'connected' } as Loose;
    const now = 100 * DAY;
    // An echo every 2 hours: the 90th-percentile gap is 2 h, so silence counts after 6 h (3 × 2 h, the minimum).
    const every2h = Array.from({ length: 20 }, (_, i) => now - HOUR - i * 2 * HOUR);
    expect(echoGapP90(every2h)).toBe(2 * HOUR);
    expect(echoesCheck({ row, echoTimes: every2h, now }).state).toBe('ok');
    expect(echoesCheck({ row, echoTimes: every2h, now: now + 6 * HOUR }).state).toBe('warning');
    // A number that echoes once a day is not silent after 7 hours, only after 3 days.
    const daily = Array.from({ length: 10 }, (_, i) => now - i * DAY);
    expect(echoesCheck({ row, echoTimes: daily, now: now + 7 * HOUR }).state).toBe('ok');
    expect(echoesCheck({ row, echoTimes: daily, now: now + 3 * DAY + HOUR }).state).toBe('warning');
    // Too few echoes to know its rhythm: unknown, never an alert.
    expect(echoesCheck({ row, echoTimes: daily.slice(0, 3), now: now + 30 * DAY }).state).toBe('unknown');
  });

  it('warns on day 12 and fails on day 14', () => {
    const at = 1_000 * DAY;
    expect(appOpenCheck({ appActivityAt: at, now: at + 11 * DAY + HOUR }).state).toBe('ok');
    const day12 = appOpenCheck({ appActivityAt: at, now: at + 12 * DAY });
    expect(day12.state).toBe('warning');
    expect(day12.summary).toContain('within 2 days');
    expect(appOpenCheck({ appActivityAt: at, now: at + 14 * DAY }).state).toBe('failing');
    expect(appOpenCheck({ appActivityAt: null, now: at }).state).toBe('unknown');
  });
});

describe.each(testDialects)('sync health driven from the sandbox (%s)', (dialect) => {
  let env: OutboundEnv;
  beforeAll(async () => {
    // No history to share: a requested import never progresses (a stuck import).
    env = await startOutboundEnv(dialect, {
      sandbox: { history: { contacts: 0, messagesPerContact: 0, chunkSize: 50 } },
    });
  }, 60_000);
  afterAll(async () => {
    await env?.close();
  });

  const health = async () => {
    const res = await env.api('GET', `/api/numbers/${PNID}/sync-health`);
    expect(res.status).toBe(200);
    return res.body as Loose;
  };
  const check = async (name: string) => (await health()).checks.find((c: Loose) => c.check === name);
  const openAlert = (code: string) =>
    env.db.db
      .selectFrom('alerts')
      .selectAll()
      .where('phone_number_id', '=', PNID)
      .where('code', '=', code)
      .where('resolved_at', 'is', null)
      .executeTakeFirst();
  const healthEvents = async () =>
    (
      await env.db.db
        .selectFrom('domain_events')
        .select(['payload_json'])
        .where('fact', '=', 'number.sync_health_changed')
        .orderBy('id')
        .execute()
    ).map((e) => JSON.parse(e.payload_json) as Loose);

  it('starts healthy, with the app subscribed (GET /{waba}/subscribed_apps) and a GREEN rating', async () => {
    await runSyncHealthChecks(env.deps, { now: Date.now(), probeGraph: true });
    const h = await health();
    expect(h.phone_number_id).toBe(PNID);
    const states = Object.fromEntries(h.checks.map((c: Loose) => [c.check, c.state]));
    expect(states).toMatchObject({
      connection: 'ok',
      webhook_subscription: 'ok',
      quality_rating: 'ok',
      history_import: 'ok',
      webhook_lag: 'ok',
      templates: 'ok',
    });
    expect(h.checks.every((c: Loose) => c.what_to_do === null)).toBe(true);
    expect(await healthEvents()).toEqual([]);
  });

  it('alerts when the business offboards, and again when it reconnects', async () => {
    await env.sandbox.control.offboard(PNID);
    // The connection change re-checks the number by itself (subscriber → job), no periodic run needed.
    const alert = await env.waitFor(() => openAlert(alertCodeOf('connection')), 'the offboarded alert');
    expect(alert.title).toBe('The number is no longer connected');
    const offboarded = await check('connection');
    expect(offboarded.state).toBe('failing');
    expect(offboarded.summary).toContain('offboarded');
    expect(offboarded.what_to_do).toContain('Embedded Signup');

    await env.sandbox.control.reconnect(PNID);
    const reconnected = await env.waitFor(() => openAlert(RECONNECTED_ALERT), 'the reconnected alert');
    expect(reconnected.message).toContain('24 hours');
    expect((await check('connection')).state).toBe('ok');
    expect(await openAlert(alertCodeOf('connection'))).toBeUndefined();
    expect((await healthEvents()).filter((e) => e.check === 'connection').map((e) => [e.from, e.to])).toEqual(
      [
        ['ok', 'failing'],
        ['failing', 'ok'],
      ],
    );
  });

  it('counts the 14-day rule from the last echo on a controllable clock', async () => {
    await env.customerWrites('15550001111');
    await env.sandbox.control.ownerText(PNID, '15550001111', 'sent from the phone');
    const row = await env.waitFor(
      () =>
        env.db.db
          .selectFrom('phone_numbers')
          .select('last_echo_at')
          .where('id', '=', PNID)
          .where('last_echo_at', 'is not', null)
          .executeTakeFirst(),
      'the echo',
    );
    const echoAt = Number(row.last_echo_at);
    await runSyncHealthChecks(env.deps, { now: echoAt + 11 * DAY, probeGraph: false });
    expect((await check('app_open_rule')).state).toBe('ok');
    await runSyncHealthChecks(env.deps, { now: echoAt + 12 * DAY + HOUR, probeGraph: false });
    const day12 = await check('app_open_rule');
    expect(day12.state).toBe('warning');
    expect(day12.summary).toMatch(/^Day 12 of 14/);
    expect((await openAlert(alertCodeOf('app_open_rule')))?.title).toBe(
      'The WhatsApp Business app must be opened soon',
    );
    await runSyncHealthChecks(env.deps, { now: echoAt + 14 * DAY + HOUR, probeGraph: false });
    expect((await check('app_open_rule')).state).toBe('failing');
    // The owner opens the app and writes from the phone again: back to ok, the alert resolved.
    await env.sandbox.control.ownerText(PNID, '15550001111', 'back on the phone');
    // Meta stamps messages to the second, so the second echo may carry the first one's time: wait
    // for the message itself, not for a later last_echo_at.
    await env.waitFor(
      () =>
        env.db.db
          .selectFrom('messages')
          .select('id')
          .where('phone_number_id', '=', PNID)
          .where('origin', '=', 'business_app')
          .where('content_json', 'like', '%back on the phone%')
          .executeTakeFirst(),
      'the second echo',
    );
    await runSyncHealthChecks(env.deps, { now: Date.now(), probeGraph: false });
    expect((await check('app_open_rule')).state).toBe('ok');
    expect(await openAlert(alertCodeOf('app_open_rule'))).toBeUndefined();
  });

  it('fails a history import with no progress after 24 hours', async () => {
    const requested = await env.api('POST', `/api/numbers/${PNID}/sync`, { sync_type: 'history' });
    expect(requested.status).toBe(200);
    const at = Date.now();
    await runSyncHealthChecks(env.deps, { now: at + 23 * HOUR, probeGraph: false });
    expect((await check('history_import')).state).toBe('ok');
    await runSyncHealthChecks(env.deps, { now: at + 25 * HOUR, probeGraph: false });
    const stuck = await check('history_import');
    expect(stuck.state).toBe('failing');
    expect(stuck.summary).toContain('no progress for 25 h');
    expect((await openAlert(alertCodeOf('history_import')))?.code).toBe('SYNC_HEALTH_HISTORY_IMPORT');
  });

  it('sees the webhook subscription removed and the quality rating drop, through Graph', async () => {
    const removed = await fetch(`${env.sandbox.url}/v23.0/${WABA}/subscribed_apps`, {
      method: 'DELETE',
      headers: { authorization: 'Bearer sandbox-access-token' },
    });
    expect(removed.status).toBe(200);
    await env.sandbox.control.setQuality(PNID, 'YELLOW');
    const res = await env.api('POST', `/api/numbers/${PNID}/sync-health/check`, {});
    expect(res.status).toBe(200);
    const byName = Object.fromEntries(res.body.checks.map((c: Loose) => [c.check, c]));
    expect(byName.webhook_subscription.state).toBe('failing');
    expect(byName.quality_rating.state).toBe('warning');
    expect(byName.quality_rating.summary).toContain('YELLOW');
    expect(res.body.state).toBe('failing');
    expect(await openAlert(alertCodeOf('webhook_subscription'))).toBeDefined();
    expect(await openAlert(alertCodeOf('quality_rating'))).toBeDefined();

    // Subscribed again (Meta sends no webhooks meanwhile): the check recovers and its alert resolves.
    const again = await fetch(`${env.sandbox.url}/v23.0/${WABA}/subscribed_apps`, {
      method: 'POST',
      headers: { authorization: 'Bearer sandbox-access-token' },
    });
    expect(again.status).toBe(200);
    const after = await env.api('POST', `/api/numbers/${PNID}/sync-health/check`, {});
    expect(after.body.checks.find((c: Loose) => c.check === 'webhook_subscription').state).toBe('ok');
    expect(await openAlert(alertCodeOf('webhook_subscription'))).toBeUndefined();
  });

  it('lists a template Meta paused', async () => {
    const templates = (await (await fetch(`${env.sandbox.url}/_sandbox/templates`)).json()) as Loose;
    const template = templates.data[0];
    const paused = await fetch(`${env.sandbox.url}/_sandbox/templates/${template.id}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'PAUSED', reason: 'low quality' }),
    });
    expect(paused.status).toBe(200);
    await env.waitFor(
      () =>
        env.db.db
          .selectFrom('templates')
          .select('id')
          .where('name', '=', template.name)
          .where('status', '=', 'PAUSED')
          .executeTakeFirst(),
      'the paused status in the hub',
      45_000,
    );
    await runSyncHealthChecks(env.deps, { now: Date.now(), probeGraph: false });
    const check_ = await check('templates');
    expect(check_.state).toBe('warning');
    expect(check_.summary).toContain(template.name);
    expect(await openAlert(alertCodeOf('templates'))).toBeDefined();
  }, 60_000);

  it('hides another business account’s number', async () => {
    const { createApiToken } = await import('../auth/api-tokens.ts');
    const { token } = await createApiToken(env.db.db, {
      name: 'other',
      role: 'admin',
      wabaId: 'another-waba',
      now: Date.now(),
    });
    const res = await fetch(`${env.hub.url}/api/numbers/${PNID}/sync-health`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(404);
  });
});
