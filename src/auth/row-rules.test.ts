import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseAlert } from '../outbound/alerts.ts';
import { type AccountsFixture, NUMBER_A, startAccountsApp, WABA_A, WABA_B } from '../testing/accounts.ts';
import { testDialects } from '../testing/databases.ts';
import { createTestUser, seedInbox, type TestUser } from '../testing/seed.ts';

/** Rules that depend on the row, not only the route: they keep business accounts apart. */
describe.each(testDialects)('row-level rules on %s', (dialect) => {
  let fx: AccountsFixture;
  let adminB: TestUser;
  beforeAll(async () => {
    fx = await startAccountsApp(dialect);
    await seedInbox(fx.deps);
    adminB = await createTestUser(fx.deps, { role: 'admin', wabaIds: [WABA_B] });
  });
  afterAll(async () => fx?.close());

  const call = (token: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    fx.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });

  it("refuses to file another business account's number under one's own", async () => {
    const res = await call(adminB.token, 'POST', '/api/numbers', {
      phone_number_id: NUMBER_A,
      waba_id: WABA_B,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('CONFLICT');
    const row = await fx.deps.database.db
      .selectFrom('phone_numbers')
      .select('waba_id')
      .where('id', '=', NUMBER_A)
      .executeTakeFirstOrThrow();
    expect(row.waba_id).toBe(WABA_A);
  });

  it("does not let an admin of one account resolve another account's alert", async () => {
    const alertId = await raiseAlert(fx.deps.database.db, {
      phoneNumberId: NUMBER_A,
      wabaId: WABA_A,
      code: '190',
      title: 'Token',
      message: 'The access token is invalid.',
      now: Date.now(),
    });
    const res = await call(adminB.token, 'POST', `/api/alerts/${alertId}/resolve`);
    expect(res.statusCode).toBe(404);
    const row = await fx.deps.database.db
      .selectFrom('alerts')
      .select('resolved_at')
      .where('id', '=', alertId)
      .executeTakeFirstOrThrow();
    expect(row.resolved_at).toBeNull();
  });

  it('keeps the shared rate card for administrators of every account', async () => {
    const prices = { prices: [{ category: 'marketing', country_code: '*', price: 0.1 }] };
    expect((await call(adminB.token, 'PUT', '/api/costs/rate-card', prices)).statusCode).toBe(403);
    const owner = await createTestUser(fx.deps, { role: 'owner' });
    expect((await call(owner.token, 'PUT', '/api/costs/rate-card', prices)).statusCode).toBe(200);
  });

  it("caps a user's token at the user's current role", async () => {
    const admin = await createTestUser(fx.deps, { role: 'admin' });
    expect((await call(admin.token, 'GET', '/api/users')).statusCode).toBe(200);
    await fx.deps.database.db
      .updateTable('users')
      .set({ role: 'agent' })
      .where('id', '=', admin.id)
      .execute();
    expect((await call(admin.token, 'GET', '/api/users')).statusCode).toBe(403);
  });
});
