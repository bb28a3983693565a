import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeApiToken } from '../auth/api-tokens.ts';
import { testDialects } from '../testing/databases.ts';
import { NUMBER, OTHER_NUMBER, OTHER_WABA, seedNumber, T0, WABA } from '../testing/seed.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';

const DAY = 24 * 60 * 60 * 1000;

describe.each(testDialects)('numbers API on %s', (dialect) => {
  let h: TestApp;
  let token: string;
  beforeAll(async () => {
    h = await buildTestApp(dialect);
    h.clock.set(T0 + 10 * DAY);
    await seedNumber(h.database.db, {
      id: NUMBER,
      waba_id: WABA,
      history_state: 'in_progress',
      history_progress: 40,
      history_last_chunk_at: T0 + 9 * DAY,
      contacts_sync_state: 'complete',
      last_echo_at: T0 + 3 * DAY - 60_000,
    });
    await seedNumber(h.database.db, {
      id: OTHER_NUMBER,
      waba_id: OTHER_WABA,
      display_phone_number: '15550000002',
      connection_state: 'disconnected',
      disconnection_reason: 'PRIMARY_INACTIVITY',
      disconnection_initiated_by: 'SYSTEM',
      connection_changed_at: T0 + DAY,
    });
    token = await h.token();
  });
  afterAll(async () => {
    await h.close();
  });

  it('lists numbers with connection state, history progress, sync state and the 14-day countdown', async () => {
    const res = await h.app.inject({ url: '/api/numbers', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.next_cursor).toBeNull();
    expect(body.data.map((n: { id: string }) => n.id)).toEqual([OTHER_NUMBER, NUMBER]);
    const demo = body.data[1];
    expect(demo).toMatchObject({
      id: NUMBER,
      waba_id: WABA,
      display_phone_number: '15550783881',
      verified_name: 'Coexist Demo',
      is_coexistence: true,
      connection: { state: 'connected', reason: null },
      history: { state: 'in_progress', progress: 40, last_chunk_at: new Date(T0 + 9 * DAY).toISOString() },
      contacts_sync_state: 'complete',
      last_echo_at: new Date(T0 + 3 * DAY - 60_000).toISOString(),
      // Echo 7 days and 1 minute ago: 6 whole days are left before the 14-day rule.
      days_left_before_14_day_rule: 6,
      throughput_mps: 20,
    });
    expect(body.data[0]).toMatchObject({
      connection: { state: 'disconnected', reason: 'PRIMARY_INACTIVITY', initiated_by: 'SYSTEM' },
      days_left_before_14_day_rule: null,
    });
  });

  it('returns one number, and 404 for an unknown one', async () => {
    const ok = await h.app.inject({
      url: `/api/numbers/${NUMBER}`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().id).toBe(NUMBER);
    const missing = await h.app.inject({
      url: '/api/numbers/nope',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'No such phone number.' } });
  });

  it('answers 401 UNAUTHENTICATED to a missing, malformed, unknown or revoked token', async () => {
    const revoked = await h.token();
    const before = await h.app.inject({
      url: '/api/numbers',
      headers: { authorization: `Bearer ${revoked}` },
    });
    expect(before.statusCode).toBe(200);
    const tokenRow = await h.database.db
      .selectFrom('api_tokens')
      .select('id')
      .where('prefix', '=', revoked.slice(0, 10))
      .executeTakeFirstOrThrow();
    expect(await revokeApiToken(h.database.db, tokenRow.id, h.clock.now())).toBe(true);

    for (const headers of [
      {},
      { authorization: token },
      { authorization: 'Basic abc' },
      { authorization: 'Bearer cx_not-a-real-token' },
      { authorization: `Bearer ${revoked}` },
    ]) {
      const res = await h.app.inject({ url: '/api/numbers', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('shows a token restricted to one WABA only that WABA’s numbers', async () => {
    const restricted = await h.token({ wabaId: WABA });
    const list = await h.app.inject({
      url: '/api/numbers',
      headers: { authorization: `Bearer ${restricted}` },
    });
    expect(list.json().data.map((n: { id: string }) => n.id)).toEqual([NUMBER]);
    const other = await h.app.inject({
      url: `/api/numbers/${OTHER_NUMBER}`,
      headers: { authorization: `Bearer ${restricted}` },
    });
    expect(other.statusCode).toBe(404);
  });
});
