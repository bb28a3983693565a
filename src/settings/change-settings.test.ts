import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.ts';
import { testDialects } from '../testing/databases.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';
import { changeSettings } from './change-settings.ts';
import { getSettings } from './settings.ts';

describe.each(testDialects)('changing settings on %s', (dialect) => {
  let t: TestApp;
  const owner: Principal = { kind: 'user', id: 'owner-1', userId: 'owner-1', role: 'owner', wabaIds: null };

  const settingsEvents = async () =>
    (
      await t.db
        .selectFrom('domain_events')
        .select(['type', 'payload_json'])
        .where('fact', '=', 'settings.changed')
        .orderBy('id')
        .execute()
    ).map((r) => ({ type: r.type, payload: JSON.parse(r.payload_json) }));

  beforeEach(async () => {
    t = await buildTestApp(dialect);
  });
  afterEach(async () => t.close());

  it('stores the change and records which keys changed and who changed them', async () => {
    expect(await getSettings(t.db)).toEqual({ requireMfaForAll: false });
    const after = await changeSettings(t.deps, { principal: owner, patch: { requireMfaForAll: true } });
    expect(after).toEqual({ requireMfaForAll: true });
    expect(await getSettings(t.db)).toEqual({ requireMfaForAll: true });
    expect(await settingsEvents()).toEqual([
      {
        type: 'settings.changed',
        payload: { keys: ['require_mfa_for_all'], actor: { kind: 'user', id: 'owner-1' } },
      },
    ]);
  });

  it('a patch that changes nothing records nothing', async () => {
    await changeSettings(t.deps, { principal: owner, patch: { requireMfaForAll: false } });
    await changeSettings(t.deps, { principal: owner, patch: {} });
    await changeSettings(t.deps, { principal: owner, patch: { requireMfaForAll: true } });
    await changeSettings(t.deps, { principal: owner, patch: { requireMfaForAll: true } });
    expect((await settingsEvents()).length).toBe(1);
  });

  it('PATCH /api/settings goes through it (owner only)', async () => {
    const token = await t.token({ role: 'owner' });
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/api/settings',
      headers: { authorization: `Bearer ${token}` },
      payload: { require_mfa_for_all: true },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ require_mfa_for_all: true });
    expect((await settingsEvents())[0]?.payload.actor.kind).toBe('token');
    const admin = await t.token({ role: 'admin' });
    const refused = await t.app.inject({
      method: 'PATCH',
      url: '/api/settings',
      headers: { authorization: `Bearer ${admin}` },
      payload: { require_mfa_for_all: false },
    });
    expect(refused.statusCode).toBe(403);
    expect(await getSettings(t.db)).toEqual({ requireMfaForAll: true });
  });
});
