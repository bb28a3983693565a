import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '../database.ts';
import { isOpenAt, localTime } from '../platform/schedule.ts';
import { testDialects } from '../testing/databases.ts';
import { NUMBER, seedContact, seedConversation, seedNumber, T0, WABA } from '../testing/seed.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';
import { drainQueue, type RouteInput, routeConversation } from './route.ts';

async function addAgent(
  db: Kysely<DB>,
  id: string,
  now: number,
  profile: {
    skills?: string[];
    languages?: string[];
    capacity?: number | null;
    timeZone?: string;
    hours?: unknown;
  } = {},
  presence: 'online' | 'away' | 'offline' = 'online',
) {
  await db
    .insertInto('users')
    .values({
      id,
      email: `${id}@example.test`,
      name: id,
      role: 'agent',
      password_hash: 'x',
      all_wabas: 1,
      mfa_secret: null,
      mfa_pending_secret: null,
      mfa_enabled_at: null,
      mfa_last_step: null,
      presence,
      presence_at: now,
      last_login_at: null,
      disabled_at: null,
      created_at: 0,
      updated_at: 0,
    })
    .execute();
  await db
    .insertInto('agent_routing')
    .values({
      user_id: id,
      skills_json: JSON.stringify(profile.skills ?? []),
      languages_json: JSON.stringify(profile.languages ?? []),
      capacity: profile.capacity ?? null,
      time_zone: profile.timeZone ?? null,
      working_hours_json: profile.hours ? JSON.stringify(profile.hours) : null,
      updated_at: 0,
    })
    .execute();
}

async function addPolicy(
  db: Kysely<DB>,
  id: string,
  p: {
    strategy: 'round_robin' | 'balanced';
    skills?: boolean;
    language?: boolean;
    available?: boolean;
    capacity?: number;
  },
) {
  await db
    .insertInto('routing_policies')
    .values({
      id,
      name: id,
      phone_number_id: NUMBER,
      team_id: null,
      strategy: p.strategy,
      match_skills: p.skills === false ? 0 : 1,
      match_language: p.language === false ? 0 : 1,
      require_available: p.available === false ? 0 : 1,
      default_capacity: p.capacity ?? 10,
      last_user_id: null,
      created_at: 0,
      updated_at: 0,
    })
    .execute();
}

describe('schedules in a time zone', () => {
  it('reads local wall time through daylight saving and holidays', () => {
    // 2026-03-29 is the night Europe/Madrid moves from +01:00 to +02:00.
    expect(localTime(Date.UTC(2026, 2, 28, 8, 30), 'Europe/Madrid')).toEqual({
      date: '2026-03-28',
      weekday: 'sat',
      minutes: 9 * 60 + 30,
    });
    expect(localTime(Date.UTC(2026, 2, 30, 8, 30), 'Europe/Madrid')).toEqual({
      date: '2026-03-30',
      weekday: 'mon',
      minutes: 10 * 60 + 30,
    });
    const schedule = {
      timeZone: 'America/Sao_Paulo',
      weekly: {
        mon: [['09:00', '18:00']] as [string, string][],
        fri: [['09:00', '13:00']] as [string, string][],
      },
      holidays: ['2026-12-25'],
    };
    expect(isOpenAt(schedule, Date.UTC(2026, 11, 21, 11, 59))).toBe(false); // Monday 08:59 local (-03:00)
    expect(isOpenAt(schedule, Date.UTC(2026, 11, 21, 12, 0))).toBe(true); // Monday 09:00
    expect(isOpenAt(schedule, Date.UTC(2026, 11, 21, 21, 0))).toBe(false); // Monday 18:00: closed
    expect(isOpenAt(schedule, Date.UTC(2026, 11, 25, 12, 0))).toBe(false); // a Friday, but a holiday
    expect(isOpenAt(schedule, Date.UTC(2026, 11, 18, 15, 59))).toBe(true); // Friday 12:59
    // The same instant is a Tuesday morning in Tokyo and a Monday evening in Mexico City.
    const at = Date.UTC(2026, 11, 22, 1, 0);
    expect(localTime(at, 'Asia/Tokyo').weekday).toBe('tue');
    expect(localTime(at, 'America/Mexico_City').weekday).toBe('mon');
  });
});

describe.each(testDialects)('routing policies (%s)', (dialect) => {
  let t: TestApp;
  let n = 0;
  const conversation = async (contactId?: string) => {
    n += 1;
    const contact = contactId ?? `c${n}`;
    if (!contactId)
      await seedContact(t.db, {
        id: contact,
        phone_number_id: NUMBER,
        wa_id: `1650555${String(n).padStart(4, '0')}`,
      });
    await seedConversation(t.db, { id: `v${n}`, phone_number_id: NUMBER, contact_id: contact });
    return `v${n}`;
  };
  const route = (input: Omit<RouteInput, 'reason'>) =>
    t.db.transaction().execute((trx) => routeConversation(t.deps, trx, { reason: 'test', ...input }));
  const assignee = async (id: string) =>
    (
      await t.db
        .selectFrom('conversations')
        .select('assignee_user_id')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).assignee_user_id;

  beforeEach(async () => {
    t = await buildTestApp(dialect);
    t.clock.set(T0);
    await seedNumber(t.db, { id: NUMBER, waba_id: WABA });
  });
  afterEach(async () => {
    await t.close();
  });

  it('round-robin takes turns among eligible agents and records why', async () => {
    for (const id of ['a1', 'a2', 'a3']) await addAgent(t.db, id, T0);
    await addPolicy(t.db, 'rr', { strategy: 'round_robin' });
    const got: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const id = await conversation();
      const result = await route({ conversationId: id });
      expect(result.outcome).toBe('assigned');
      got.push(await assignee(id));
    }
    expect(got).toEqual(['a1', 'a2', 'a3', 'a1']);
    const decision = await t.db
      .selectFrom('routing_decisions')
      .selectAll()
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const why = JSON.parse(decision.why_json);
    expect(why.policy).toEqual({ id: 'rr', name: 'rr', strategy: 'round_robin' });
    expect(why.candidates.map((c: { user_id: string }) => c.user_id)).toEqual(['a1', 'a2', 'a3']);
    expect(why.summary).toMatch(/round-robin/);
    expect([why.code, why.params]).toEqual(['round_robin', { eligible: '3' }]);
  });

  it('balanced goes to the least loaded agent under capacity, queues when all are full, and drains when capacity frees', async () => {
    await addAgent(t.db, 'b1', T0, { capacity: 1 });
    await addAgent(t.db, 'b2', T0, { capacity: 2 });
    await addPolicy(t.db, 'bal', { strategy: 'balanced' });
    const first = await conversation();
    expect(await route({ conversationId: first })).toMatchObject({ outcome: 'assigned', userId: 'b1' });
    const second = await conversation();
    expect(await route({ conversationId: second })).toMatchObject({
      outcome: 'assigned',
      userId: 'b2',
      why: { code: 'least_loaded', params: { open: '0', capacity: '2' } },
    });
    const third = await conversation();
    expect(await route({ conversationId: third })).toMatchObject({ outcome: 'assigned', userId: 'b2' });
    const fourth = await conversation();
    const queued = await route({ conversationId: fourth });
    expect(queued.outcome).toBe('queued');
    expect(queued.why.code).toBe('none_eligible');
    expect(queued.why.candidates.map((c) => c.excluded)).toEqual(['at_capacity', 'at_capacity']);
    expect(await t.db.selectFrom('routing_queue').select('conversation_id').execute()).toEqual([
      { conversation_id: fourth },
    ]);

    await t.db.updateTable('conversations').set({ status: 'resolved' }).where('id', '=', first).execute();
    expect(await t.db.transaction().execute((trx) => drainQueue(t.deps, trx))).toBe(1);
    expect(await assignee(fourth)).toBe('b1');
    expect(await t.db.selectFrom('routing_queue').selectAll().execute()).toEqual([]);
  });

  it('skills and language narrow the candidates', async () => {
    await addAgent(t.db, 's1', T0, { skills: ['sales'], languages: ['es'] });
    await addAgent(t.db, 's2', T0, { skills: ['billing', 'sales'], languages: ['pt', 'en'] });
    await addPolicy(t.db, 'sk', { strategy: 'round_robin' });
    expect(await route({ conversationId: await conversation(), skills: ['Billing'] })).toMatchObject({
      userId: 's2',
    });
    expect(await route({ conversationId: await conversation(), language: 'pt-BR' })).toMatchObject({
      userId: 's2',
    });
    expect(
      await route({ conversationId: await conversation(), language: 'es', skills: ['sales'] }),
    ).toMatchObject({ userId: 's1' });
    const none = await route({ conversationId: await conversation(), skills: ['legal'] });
    expect(none.outcome).toBe('queued');
    expect(none.why.candidates.map((c) => c.excluded)).toEqual(['skills', 'skills']);
  });

  it('availability: presence and working hours in the agent’s time zone; the queue drains when an agent comes online', async () => {
    // T0 is 09:00 UTC on Wednesday 2026-11-25: 18:00 in Tokyo, 03:00 in Mexico City.
    await addAgent(t.db, 'tokyo', T0, { timeZone: 'Asia/Tokyo', hours: { wed: [['09:00', '17:00']] } });
    await addAgent(t.db, 'mexico', T0, {
      timeZone: 'America/Mexico_City',
      hours: { wed: [['02:00', '10:00']] },
    });
    await addAgent(t.db, 'away', T0, {}, 'offline');
    await addPolicy(t.db, 'av', { strategy: 'round_robin' });
    const result = await route({ conversationId: await conversation() });
    expect(result).toMatchObject({ outcome: 'assigned', userId: 'mexico' });
    expect(Object.fromEntries(result.why.candidates.map((c) => [c.user_id, c.excluded]))).toEqual({
      away: 'offline',
      mexico: null,
      tokyo: 'outside_working_hours',
    });
    // Mexico's shift ends; nobody is available, so the next one waits until someone comes online.
    t.clock.set(T0 + 8 * 3_600_000);
    await t.db
      .updateTable('users')
      .set({ presence_at: t.clock.now() })
      .where('id', 'in', ['tokyo', 'mexico'])
      .execute();
    const waiting = await conversation();
    expect(await route({ conversationId: waiting })).toMatchObject({ outcome: 'queued' });
    await t.db
      .updateTable('users')
      .set({ presence: 'online', presence_at: t.clock.now() })
      .where('id', '=', 'away')
      .execute();
    expect(await t.db.transaction().execute((trx) => drainQueue(t.deps, trx))).toBe(1);
    expect(await assignee(waiting)).toBe('away');
  });

  it("a handoff to a team with nobody available is the team's while it waits, and goes to its agent when they come online", async () => {
    await addAgent(t.db, 'sales-1', T0, {}, 'offline');
    await addAgent(t.db, 'other', T0, {});
    await t.db
      .insertInto('teams')
      .values({ id: 'sales', name: 'Sales', waba_id: WABA, created_at: T0, updated_at: T0 })
      .execute();
    await t.db
      .insertInto('team_members')
      .values({ team_id: 'sales', user_id: 'sales-1', created_at: T0 })
      .execute();
    const lead = await conversation();
    expect(await route({ conversationId: lead, teamId: 'sales' })).toMatchObject({ outcome: 'queued' });
    const waiting = await t.db
      .selectFrom('conversations')
      .select(['team_id', 'assignee_user_id'])
      .where('id', '=', lead)
      .executeTakeFirstOrThrow();
    expect(waiting).toEqual({ team_id: 'sales', assignee_user_id: null });
    await t.db
      .updateTable('users')
      .set({ presence: 'online', presence_at: t.clock.now() })
      .where('id', '=', 'sales-1')
      .execute();
    expect(await t.db.transaction().execute((trx) => drainQueue(t.deps, trx))).toBe(1);
    expect(await assignee(lead)).toBe('sales-1');
  });

  it('a VIP contact is never auto-assigned', async () => {
    await addAgent(t.db, 'v1', T0);
    const id = await conversation();
    const contact = (
      await t.db
        .selectFrom('conversations')
        .select('contact_id')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).contact_id;
    await t.db
      .insertInto('vip_contacts')
      .values({ contact_id: contact, note: null, created_by: null, created_at: 0 })
      .execute();
    const result = await route({ conversationId: id });
    expect(result.outcome).toBe('skipped');
    expect(result.why.summary).toMatch(/VIP/);
    expect(result.why.code).toBe('vip');
    expect(await assignee(id)).toBeNull();
  });
});
