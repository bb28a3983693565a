import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../index.ts';
import { graph, harness, type Json } from '../testing/harness.ts';
import type { TestReceiver } from '../testing/receiver.ts';
import { SIGNUP_DEFAULTS } from './signup-state.ts';

const ORIGIN = 'http://127.0.0.1:9';
const EXTRAS = JSON.stringify({ version: 'v4', features: [{ name: 'whatsapp_business_app_onboarding' }] });

async function call(sb: Sandbox, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${sb.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

async function openSession(sb: Sandbox): Promise<string> {
  const s = await call(sb, '/dialog/oauth/session', {
    client_id: SIGNUP_DEFAULTS.appId,
    config_id: SIGNUP_DEFAULTS.configId,
    response_type: 'code',
    extras: EXTRAS,
    origin: ORIGIN,
  });
  expect(s.status).toBe(200);
  await call(sb, `/dialog/oauth/session/${s.body.id}/login`, {});
  return s.body.id as string;
}

describe('sandbox Embedded Signup for Business app users', () => {
  let sb: Sandbox;
  let hub: TestReceiver;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ sb, hub, close } = await harness());
  });
  afterEach(async () => close());

  it('refuses an unsupported country, an old app and a number used for less than 7 days, with reasons', async () => {
    const refusals: Record<string, string> = {};
    for (const phone of ['2348031234567', '15550100042', '15550100077', '15559999999']) {
      const id = await openSession(sb);
      const s = await call(sb, `/dialog/oauth/session/${id}/number`, { phone });
      expect(s.body.step).toBe('number');
      refusals[phone] = s.body.error.message;
    }
    expect(refusals['2348031234567']).toMatch(/this country/);
    expect(refusals['15550100042']).toMatch(/2\.24\.17/);
    expect(refusals['15550100077']).toMatch(/7 days/);
    expect(refusals['15559999999']).toMatch(/not registered on the WhatsApp Business app/);
  });

  it('refuses a login without the Business App onboarding feature', async () => {
    const s = await call(sb, '/dialog/oauth/session', {
      client_id: SIGNUP_DEFAULTS.appId,
      config_id: SIGNUP_DEFAULTS.configId,
      response_type: 'code',
      extras: '{}',
      origin: ORIGIN,
    });
    expect(s.status).toBe(400);
    expect(s.body.error.error_data.details).toMatch(/whatsapp_business_app_onboarding/);
  });

  it('connects a number: QR scan, code for a business token, subscription with PARTNER_ADDED, one-time syncs', async () => {
    const id = await openSession(sb);
    const picked = await call(sb, `/dialog/oauth/session/${id}/number`, { phone: '447700900123' });
    expect(picked.body.step).toBe('awaiting_scan');
    expect(picked.body.qr).toMatch(/^data:image\/png;base64,/);
    expect((await call(sb, `/dialog/oauth/session/${id}/finish`, {})).status).toBe(400);
    const scanned = await call(sb, `/_sandbox/signup/sessions/${id}/scan`, { shareHistory: true });
    expect(scanned.body.step).toBe('scanned');
    const finished = await call(sb, `/dialog/oauth/session/${id}/finish`, {});
    const { wabaId, phoneNumberId, code } = finished.body.result;

    const q = `client_id=${SIGNUP_DEFAULTS.appId}&client_secret=sandbox-app-secret&code=${code}`;
    const wrongSecret = await graph(
      sb,
      `oauth/access_token?client_id=${SIGNUP_DEFAULTS.appId}&client_secret=nope&code=${code}`,
      { token: null },
    );
    expect(wrongSecret.status).toBe(400);
    const exchanged = await graph(sb, `oauth/access_token?${q}`, { token: null });
    expect(exchanged.status).toBe(200);
    const token = exchanged.body.access_token as string;
    expect((await graph(sb, `oauth/access_token?${q}`, { token: null })).body.error.message).toMatch(
      /has been used/,
    );

    const number = await graph(sb, `${phoneNumberId}?fields=is_on_biz_app,platform_type`, { token });
    expect(number.body).toMatchObject({ is_on_biz_app: true, platform_type: 'CLOUD_API' });
    expect((await graph(sb, `${wabaId}/subscribed_apps`, { token })).body.data).toEqual([]);
    expect((await graph(sb, `${wabaId}/subscribed_apps`, { token, method: 'POST' })).status).toBe(200);
    await graph(sb, `${wabaId}/subscribed_apps`, { token, method: 'POST' });
    await sb.idle();
    const added = hub.changes('account_update').filter((c) => c.entryId === wabaId);
    expect(added.map((c) => c.value.event)).toEqual(['PARTNER_ADDED']);

    const sync = (t: string) =>
      graph(sb, `${phoneNumberId}/smb_app_data`, {
        token,
        body: { messaging_product: 'whatsapp', sync_type: t },
      });
    expect((await sync('smb_app_state_sync')).status).toBe(200);
    expect((await sync('history')).status).toBe(200);
    expect((await sync('history')).body.error.code).toBe(2593107);
    await sb.clock.advance(60_000);
    await sb.idle();
    expect(
      hub
        .changes('history')
        .some((c) => c.value.metadata && (c.value as Json).metadata.phone_number_id === phoneNumberId),
    ).toBe(true);
  });
});
