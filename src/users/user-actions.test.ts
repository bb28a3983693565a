import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.ts';
import { createSession } from '../auth/sessions.ts';
import { testDialects } from '../testing/databases.ts';
import { createTestUser, OTHER_WABA, seedInbox, WABA } from '../testing/seed.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';
import { createUser, deleteUser, updateUser } from './user-actions.ts';
import { findUser, principalForUser } from './users.repository.ts';

describe.each(testDialects)('user actions on %s', (dialect) => {
  let t: TestApp;
  let owner: Principal;

  const principalOfUser = async (id: string) => principalForUser(t.db, (await findUser(t.db, id))!);
  const userEvents = () =>
    t.db
      .selectFrom('domain_events')
      .select(['fact', 'type', 'payload_json'])
      .where('fact', '=', 'user.changed')
      .orderBy('id')
      .execute()
      .then((rows) => rows.map((r) => ({ ...r, payload: JSON.parse(r.payload_json) })));

  beforeEach(async () => {
    t = await buildTestApp(dialect);
    await seedInbox(t.deps);
    owner = await principalOfUser((await createTestUser(t.deps, { role: 'owner' })).id);
  });
  afterEach(async () => t.close());

  it('creates a user with a generated password, the creator’s accounts, and records who did it', async () => {
    const admin = await principalOfUser(
      (await createTestUser(t.deps, { role: 'admin', wabaIds: [WABA] })).id,
    );
    const out = await createUser(t.deps, {
      principal: admin,
      email: 'Ana@Example.test',
      name: 'Ana',
      role: 'agent',
    });
    expect(out.user).toMatchObject({ email: 'ana@example.test', role: 'agent', waba_ids: [WABA] });
    expect(out.password).toEqual(expect.any(String));
    expect(await userEvents()).toEqual([
      expect.objectContaining({
        type: 'user.changed',
        payload: { user_id: out.user.id, action: 'created', actor: { kind: 'user', id: admin.id } },
      }),
    ]);
  });

  it('refuses what the caller may not grant, and creates nothing', async () => {
    const admin = await principalOfUser(
      (await createTestUser(t.deps, { role: 'admin', wabaIds: [WABA] })).id,
    );
    await expect(
      createUser(t.deps, { principal: admin, email: 'o@example.test', name: 'O', role: 'owner' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      createUser(t.deps, {
        principal: admin,
        email: 'b@example.test',
        name: 'B',
        role: 'agent',
        wabaIds: [OTHER_WABA],
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      createUser(t.deps, {
        principal: owner,
        email: 'b@example.test',
        name: 'B',
        role: 'agent',
        password: 'x'.repeat(12),
      }),
    ).resolves.toMatchObject({ user: { email: 'b@example.test' } });
    await expect(
      createUser(t.deps, { principal: owner, email: 'B@example.test', name: 'B2', role: 'agent' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await userEvents()).map((e) => e.payload.action)).toEqual(['created']);
  });

  it('a role change signs the user out everywhere; disabling is its own action', async () => {
    const agent = await createTestUser(t.deps, { role: 'agent' });
    await createSession(t.db, {
      userId: agent.id,
      mfaOk: false,
      ip: null,
      userAgent: null,
      now: t.clock.now(),
    });
    const changed = await updateUser(t.deps, {
      principal: owner,
      userId: agent.id,
      changes: { role: 'supervisor', wabaIds: [WABA, OTHER_WABA] },
    });
    expect(changed).toMatchObject({ role: 'supervisor', waba_ids: [WABA, OTHER_WABA].sort() });
    const live = await t.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', agent.id)
      .where('revoked_at', 'is', null)
      .execute();
    expect(live).toEqual([]);
    await updateUser(t.deps, { principal: owner, userId: agent.id, changes: { disabled: true } });
    await updateUser(t.deps, { principal: owner, userId: agent.id, changes: { disabled: false } });
    expect((await userEvents()).map((e) => e.payload.action)).toEqual(['updated', 'disabled', 'enabled']);
  });

  it('keeps the last owner, and keeps people from disabling themselves', async () => {
    await expect(
      updateUser(t.deps, { principal: owner, userId: owner.id, changes: { role: 'admin' } }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    const second = await createTestUser(t.deps, { role: 'owner' });
    await expect(
      updateUser(t.deps, { principal: owner, userId: owner.id, changes: { disabled: true } }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    const admin = await principalOfUser((await createTestUser(t.deps, { role: 'admin', wabaIds: null })).id);
    await expect(
      updateUser(t.deps, { principal: admin, userId: second.id, changes: { name: 'x' } }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await userEvents()).toEqual([]);
  });

  it('deleting disables the user, frees their open conversations and ends their tokens', async () => {
    const agent = await createTestUser(t.deps, { role: 'agent' });
    await t.db.updateTable('conversations').set({ assignee_user_id: agent.id }).execute();
    await t.db
      .updateTable('conversations')
      .set({ status: 'resolved' })
      .where('id', '=', 'conversation-b')
      .execute();
    await deleteUser(t.deps, { principal: owner, userId: agent.id });
    expect((await findUser(t.db, agent.id))?.disabled_at).toBe(t.clock.now());
    const conversations = await t.db
      .selectFrom('conversations')
      .select(['id', 'assignee_user_id'])
      .orderBy('id')
      .execute();
    // The resolved one keeps its assignee: it says who handled it.
    expect(conversations).toEqual([
      { id: 'conversation-a', assignee_user_id: null },
      { id: 'conversation-b', assignee_user_id: agent.id },
    ]);
    const tokens = await t.db
      .selectFrom('api_tokens')
      .select('revoked_at')
      .where('user_id', '=', agent.id)
      .execute();
    expect(tokens.map((r) => r.revoked_at)).toEqual([t.clock.now()]);
    expect((await userEvents()).map((e) => e.payload)).toEqual([
      { user_id: agent.id, action: 'deleted', actor: { kind: 'user', id: owner.id } },
    ]);
    await expect(deleteUser(t.deps, { principal: owner, userId: owner.id })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });
});
