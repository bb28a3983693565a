import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyticsScenario } from '../testing/analytics-scenario.ts';
import { testDialects } from '../testing/databases.ts';
import {
  createTestUser,
  NUMBER,
  OTHER_NUMBER,
  OTHER_WABA,
  seedNumber,
  T0,
  type TestUser,
  WABA,
} from '../testing/seed.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';

const MIN = 60_000;

describe.each(testDialects)('reports API (%s)', (dialect) => {
  let fx: TestApp;
  let supervisor: TestUser;
  let agent: TestUser;
  let admin: TestUser;
  const get = (url: string, user: TestUser) =>
    fx.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${user.token}` } });
  const range = `from=${new Date(T0 - 60 * MIN).toISOString()}&to=${new Date(T0 + 24 * 60 * MIN).toISOString()}`;

  beforeAll(async () => {
    fx = await buildTestApp(dialect);
    fx.clock.set(T0 + 2 * 60 * MIN);
    await seedNumber(fx.db, { id: NUMBER, waba_id: WABA });
    await seedNumber(fx.db, { id: OTHER_NUMBER, waba_id: OTHER_WABA, display_phone_number: '15550000002' });
    supervisor = await createTestUser(fx.deps, { role: 'supervisor' });
    agent = await createTestUser(fx.deps, { role: 'agent' });
    admin = await createTestUser(fx.deps, { role: 'admin' });
    const s = new AnalyticsScenario(fx.db, NUMBER);
    await s.open('c-1', T0);
    await s.customer('c-1', T0);
    await s.echo('c-1', T0 + 4 * MIN);
    await s.resolve('c-1', T0 + 10 * MIN);
    // Another business account's conversation: the supervisor of the first must not see it.
    const other = new AnalyticsScenario(fx.db, OTHER_NUMBER);
    await other.open('c-2', T0);
    await other.customer('c-2', T0);
    await s.drain(T0 + 2 * 60 * MIN);
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('serves the overview to supervisors within their business accounts, and not to agents', async () => {
    const res = await get(`/api/reports/overview?${range}&time_zone=America/Sao_Paulo`, supervisor);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.time_zone).toBe('America/Sao_Paulo');
    expect(body.totals.conversations_opened).toBe(1);
    expect(body.totals.first_response_time.mean).toBe(4 * MIN);
    expect(body.series.map((d: { day: string }) => d.day)).toEqual(['2026-11-25']);
    expect((await get(`/api/reports/overview?${range}`, agent)).statusCode).toBe(403);
  });

  it('places the busiest hours in the asked time zone (Wednesday 09:00 UTC is 06:00 in São Paulo, 14:30 in Kolkata)', async () => {
    const cell = async (zone: string) => {
      const body = (await get(`/api/reports/busiest-hours?${range}&time_zone=${zone}`, supervisor)).json();
      return body.data.filter((c: { messages: number }) => c.messages > 0);
    };
    expect(await cell('America/Sao_Paulo')).toEqual([{ weekday: 3, hour: 6, messages: 1 }]);
    expect(await cell('Asia/Kolkata')).toEqual([{ weekday: 3, hour: 14, messages: 1 }]);
  });

  it('answers bad input with a stable error code', async () => {
    const zone = await get(`/api/reports/overview?time_zone=Mars/Base`, supervisor);
    expect(zone.statusCode).toBe(400);
    expect(zone.json().error.code).toBe('VALIDATION_FAILED');
    const backwards = await get(
      `/api/reports/overview?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z`,
      supervisor,
    );
    expect(backwards.json().error.code).toBe('VALIDATION_FAILED');
    expect((await get(`/api/reports/overview?phone_number_id=${OTHER_NUMBER}`, supervisor)).statusCode).toBe(
      404,
    );
  });

  it('attributes the phone-app answer to the Business app in the responders report', async () => {
    const body = (await get(`/api/reports/responders?${range}`, supervisor)).json();
    const app = body.data.find((r: { responder: string }) => r.responder === 'business_app');
    expect(app).toMatchObject({ first_responses: 1, first_response_share: 1 });
  });

  it('lets admins set business hours, holidays and targets, and serves the campaign report', async () => {
    const put = await fx.app.inject({
      method: 'PUT',
      url: `/api/reports/settings/${NUMBER}`,
      headers: { authorization: `Bearer ${admin.token}` },
      payload: {
        time_zone: 'Europe/Madrid',
        business_hours: [{ day: 3, start: '09:00', end: '18:00' }],
        holidays: ['2026-12-25'],
        first_response_target_minutes: 15,
        resolution_target_minutes: 240,
        csat_enabled: true,
        csat_question: null,
        csat_template: null,
      },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({
      time_zone: 'Europe/Madrid',
      business_hours: [{ day: 3, start: '09:00', end: '18:00' }],
      holidays: ['2026-12-25'],
      first_response_target_minutes: 15,
      csat_enabled: true,
    });
    // One schedule per number: the automation's business hours are these, and an out-of-hours
    // reply set there survives the reports' settings being saved again.
    const auth = { authorization: `Bearer ${admin.token}` };
    const automationHours = () =>
      fx.app.inject({ method: 'GET', url: `/api/automation/business-hours/${NUMBER}`, headers: auth });
    expect((await automationHours()).json()).toMatchObject({
      time_zone: 'Europe/Madrid',
      weekly: { wed: [['09:00', '18:00']] },
      holidays: ['2026-12-25'],
    });
    const setByAutomation = await fx.app.inject({
      method: 'PUT',
      url: `/api/automation/business-hours/${NUMBER}`,
      headers: auth,
      payload: {
        time_zone: 'Europe/Madrid',
        weekly: { wed: [['10:00', '14:00']] },
        holidays: ['2026-12-25'],
        out_of_hours_text: 'We are closed.',
      },
    });
    expect(setByAutomation.statusCode).toBe(200);
    const settings = (await get('/api/reports/settings', admin)).json();
    const mine = settings.data.find((s: { phone_number_id: string }) => s.phone_number_id === NUMBER);
    expect(mine.business_hours).toEqual([{ day: 3, start: '10:00', end: '14:00' }]);
    const { phone_number_id: _id, ...again } = mine;
    const resaved = await fx.app.inject({
      method: 'PUT',
      url: `/api/reports/settings/${NUMBER}`,
      headers: auth,
      payload: again,
    });
    expect(resaved.statusCode).toBe(200);
    expect((await automationHours()).json()).toMatchObject({
      weekly: { wed: [['10:00', '14:00']] },
      out_of_hours_text: 'We are closed.',
    });
    const bySupervisor = await fx.app.inject({
      method: 'PUT',
      url: `/api/reports/settings/${NUMBER}`,
      headers: { authorization: `Bearer ${supervisor.token}` },
      payload: put.json(),
    });
    expect(bySupervisor.statusCode).toBe(403);
    const campaigns = (await get(`/api/reports/campaigns?${range}`, supervisor)).json();
    expect(campaigns).toMatchObject({ currency: 'USD', data: [] });
  });
});
