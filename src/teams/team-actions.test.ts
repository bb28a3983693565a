import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.ts';
import { testDialects } from '../testing/databases.ts';
import { createTestUser, OTHER_WABA, seedInbox, WABA } from '../testing/seed.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';
import { findUser, principalForUser } from '../users/users.repository.ts';
import { addTeamMember, createTeam, deleteTeam, removeTeamMember, renameTeam } from './team-actions.ts';

describe.each(testDialects)('team actions on %s', (dialect) => {
  let t: TestApp;
  let admin: Principal;

  const teamEvents = async () =>
    (
      await t.db
        .selectFrom('domain_events')
        .select('payload_json')
        .where('fact', '=', 'team.changed')
        .orderBy('id')
        .execute()
    ).map((r) => JSON.parse(r.payload_json));

  beforeEach(async () => {
    t = await buildTestApp(dialect);
    await seedInbox(t.deps);
    const user = await createTestUser(t.deps, { role: 'admin', wabaIds: [WABA] });
    admin = await principalForUser(t.db, (await findUser(t.db, user.id))!);
  });
  afterEach(async () => t.close());

  it('creates a team of the admin’s account with its members and records who did it', async () => {
    const agent = await createTestUser(t.deps, { role: 'agent', wabaIds: [WABA] });
    const team = await createTeam(t.deps, {
      principal: admin,
      name: 'Support',
      memberIds: [agent.id, agent.id],
    });
    expect(team).toMatchObject({ name: 'Support', waba_id: WABA, member_ids: [agent.id] });
    expect(await teamEvents()).toEqual([
      { team_id: team.id, action: 'created', actor: { kind: 'user', id: admin.id } },
    ]);
  });

  it('creates nothing when one of the members may not join', async () => {
    const elsewhere = await createTestUser(t.deps, { role: 'agent', wabaIds: [OTHER_WABA] });
    const agent = await createTestUser(t.deps, { role: 'agent', wabaIds: [WABA] });
    await expect(
      createTeam(t.deps, { principal: admin, name: 'Support', memberIds: [agent.id, elsewhere.id] }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await t.db.selectFrom('teams').select('id').execute()).toEqual([]);
    expect(await t.db.selectFrom('team_members').select('user_id').execute()).toEqual([]);
    expect(await teamEvents()).toEqual([]);
  });

  it('records a member change only when membership changed', async () => {
    const agent = await createTestUser(t.deps, { role: 'agent', wabaIds: [WABA] });
    const team = await createTeam(t.deps, { principal: admin, name: 'Support' });
    expect(
      (await addTeamMember(t.deps, { principal: admin, teamId: team.id, userId: agent.id })).member_ids,
    ).toEqual([agent.id]);
    await addTeamMember(t.deps, { principal: admin, teamId: team.id, userId: agent.id });
    expect(
      (await removeTeamMember(t.deps, { principal: admin, teamId: team.id, userId: agent.id })).member_ids,
    ).toEqual([]);
    await removeTeamMember(t.deps, { principal: admin, teamId: team.id, userId: agent.id });
    await renameTeam(t.deps, { principal: admin, teamId: team.id, name: 'Care' });
    expect((await teamEvents()).map((e) => e.action)).toEqual([
      'created',
      'member_added',
      'member_removed',
      'renamed',
    ]);
  });

  it('deleting a team drops its canned replies and takes it off conversations', async () => {
    const team = await createTeam(t.deps, { principal: admin, name: 'Support' });
    await t.db
      .updateTable('conversations')
      .set({ team_id: team.id })
      .where('id', '=', 'conversation-a')
      .execute();
    await t.db
      .insertInto('canned_replies')
      .values({
        id: 'reply-1',
        shortcut: 'hi',
        text: 'Hello!',
        team_id: team.id,
        waba_id: WABA,
        created_by: null,
        created_at: t.clock.now(),
        updated_at: t.clock.now(),
      })
      .execute();
    await deleteTeam(t.deps, { principal: admin, teamId: team.id });
    expect(await t.db.selectFrom('teams').select('id').execute()).toEqual([]);
    expect(await t.db.selectFrom('canned_replies').select('id').execute()).toEqual([]);
    const row = await t.db
      .selectFrom('conversations')
      .select('team_id')
      .where('id', '=', 'conversation-a')
      .executeTakeFirstOrThrow();
    expect(row.team_id).toBeNull();
    expect((await teamEvents()).map((e) => e.action)).toEqual(['created', 'deleted']);
  });

  it('a team of another business account is not found', async () => {
    const owner = await createTestUser(t.deps, { role: 'owner' });
    const ownerPrincipal = await principalForUser(t.db, (await findUser(t.db, owner.id))!);
    const other = await createTeam(t.deps, { principal: ownerPrincipal, name: 'B', wabaId: OTHER_WABA });
    await expect(renameTeam(t.deps, { principal: admin, teamId: other.id, name: 'x' })).rejects.toMatchObject(
      {
        code: 'NOT_FOUND',
      },
    );
  });
});
