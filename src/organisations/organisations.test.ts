import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../auth/passwords.ts';
import { type AccountsFixture, cookiesFrom, startAccountsApp } from '../testing/accounts.ts';
import { testDialects } from '../testing/databases.ts';
import { PASSWORD, seedInbox } from '../testing/seed.ts';
import { insertUser } from '../users/users.repository.ts';

type Session = { cookie: string; csrf: string; body: Record<string, unknown> };

describe.each(testDialects)('organisations and invitations on %s', (dialect) => {
  let fx: AccountsFixture;
  beforeAll(async () => {
    fx = await startAccountsApp(dialect);
    await seedInbox(fx.deps);
  });
  afterAll(async () => fx?.close());

  const post = (url: string, payload: object, s?: Session) =>
    fx.app.inject({
      method: 'POST',
      url,
      payload,
      ...(s ? { headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } } : {}),
    });
  const get = (url: string, s: Session) =>
    fx.app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });

  async function signIn(email: string, password: string, code?: string): Promise<Session> {
    const res = await post('/api/auth/login', { email, password, ...(code ? { code } : {}) });
    expect(res.statusCode, res.body).toBe(200);
    const cookies = cookiesFrom(res.headers);
    return {
      cookie: `coexist_session=${cookies.coexist_session}; coexist_csrf=${cookies.coexist_csrf}`,
      csrf: cookies.coexist_csrf!,
      body: res.json(),
    };
  }

  it('the provider administrator creates an organisation and invites its owner, who joins by setting a password and sees none of the first one', async () => {
    await insertUser(fx.db, {
      email: 'provider@example.test',
      name: 'Provider',
      role: 'owner',
      passwordHash: await hashPassword(PASSWORD),
      wabaIds: null,
      now: fx.clock.now(),
      providerAdmin: true,
    });
    const provider = await signIn('provider@example.test', PASSWORD);
    expect(provider.body.provider_admin).toBe(true);
    // Owners enrol a second factor first: the ordinary path.
    const { secret } = (await post('/api/auth/mfa/enrol', {}, provider)).json();
    const code = await generate({ secret, epoch: Math.floor(fx.clock.now() / 1000) });
    expect((await post('/api/auth/mfa/confirm', { code }, provider)).statusCode).toBe(200);

    const created = await post('/api/organisations', { name: 'B Ltd', owner_email: 'Boss@B.test' }, provider);
    expect(created.statusCode, created.body).toBe(201);
    const { organisation, invitation } = created.json();
    expect(invitation).toMatchObject({ email: 'boss@b.test', role: 'owner', state: 'pending' });
    expect(invitation.url).toMatch(/\/invite#inv_/);

    const lookup = await post('/api/invitations/lookup', { token: invitation.token });
    expect(lookup.json()).toMatchObject({
      organisation_name: 'B Ltd',
      email: 'boss@b.test',
      existing_account: false,
    });
    const accepted = await post('/api/invitations/accept', {
      token: invitation.token,
      name: 'Boss',
      password: 'a long new password',
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({
      created_account: true,
      organisation: { id: organisation.id, role: 'owner' },
    });
    const again = await post('/api/invitations/accept', {
      token: invitation.token,
      password: 'a long new password',
    });
    expect(again.json().error.code).toBe('INVITATION_INVALID');

    const boss = await signIn('boss@b.test', 'a long new password');
    expect(boss.body).toMatchObject({
      organisation: { id: organisation.id, name: 'B Ltd', role: 'owner' },
      provider_admin: false,
      mfa_enrolment_required: true,
    });
    // A member of B only: switching to the default organisation is refused, and it cannot create organisations.
    expect((await post('/api/me/organisation', { organisation_id: 'org_default' }, boss)).statusCode).toBe(
      404,
    );

    // The provider administrator sees both organisations and acts in one at a time.
    const mine = (await get('/api/organisations', provider)).json().data as { id: string }[];
    expect(mine.map((o) => o.id).sort()).toEqual([organisation.id, 'org_default'].sort());
    const before = (await get('/api/conversations', provider)).json().data as unknown[];
    expect(before.length).toBe(2);
    const switched = await post('/api/me/organisation', { organisation_id: organisation.id }, provider);
    expect(switched.statusCode, switched.body).toBe(200);
    expect(switched.json().organisation).toMatchObject({ id: organisation.id, role: 'owner' });
    expect((await get('/api/conversations', provider)).json().data).toEqual([]);
    expect((await get('/api/users', provider)).json().data.map((u: { email: string }) => u.email)).toEqual([
      'boss@b.test',
    ]);
  });
});
