import type { Kysely } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../auth/actor.ts';
import type { Principal } from '../auth/principal.ts';
import { seesSharedRows } from '../auth/scope.ts';
import type { DB } from '../database.ts';
import { conversationFor } from '../inbox/conversation-access.ts';
import { AppError } from '../platform/errors.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { withEvents } from '../platform/events/with-events.ts';
import { newId } from '../platform/ids.ts';
import { parseJsonOr } from '../platform/json.ts';
import { isValidTimeZone, type WeeklyHours } from '../platform/schedule.ts';
import { iso } from '../platform/time.ts';
import { routeConversation } from './route.ts';
import type { ApiAgentRouting, ApiRoutingDecision, ApiRoutingPolicy } from './routing.schemas.ts';
import type { RoutingPolicyRow, RoutingStrategy } from './routing.table.ts';

/** Routing's settings use-cases (policies, agents' profiles), the queue, decisions and routing on demand. */

type Db = Kysely<DB>;

export type PolicyInput = {
  name?: string | undefined;
  phone_number_id?: string | null | undefined;
  team_id?: string | null | undefined;
  strategy?: RoutingStrategy | undefined;
  match_skills?: boolean | undefined;
  match_language?: boolean | undefined;
  require_available?: boolean | undefined;
  default_capacity?: number | undefined;
};

function toApiPolicy(row: RoutingPolicyRow): ApiRoutingPolicy {
  return {
    id: row.id,
    name: row.name,
    phone_number_id: row.phone_number_id,
    team_id: row.team_id,
    strategy: row.strategy,
    match_skills: row.match_skills === 1,
    match_language: row.match_language === 1,
    require_available: row.require_available === 1,
    default_capacity: row.default_capacity,
    created_at: iso(Number(row.created_at)),
    updated_at: iso(Number(row.updated_at)),
  };
}

async function wabaOfNumber(db: Db, phoneNumberId: string): Promise<string | null> {
  const row = await db
    .selectFrom('phone_numbers')
    .select('waba_id')
    .where('id', '=', phoneNumberId)
    .executeTakeFirst();
  return row?.waba_id ?? null;
}

async function assertScope(
  db: Db,
  principal: Principal,
  input: { phoneNumberId: string | null; teamId: string | null },
) {
  if (input.phoneNumberId) {
    const waba = await wabaOfNumber(db, input.phoneNumberId);
    if (!waba || (principal.wabaIds !== null && !principal.wabaIds.includes(waba)))
      throw new AppError('VALIDATION_FAILED', `No phone number ${input.phoneNumberId}.`);
  } else if (principal.wabaIds !== null) {
    throw new AppError('FORBIDDEN', 'A policy for every number needs access to every business account.');
  }
  if (input.teamId) {
    const team = await db
      .selectFrom('teams')
      .select(['id', 'waba_id'])
      .where('id', '=', input.teamId)
      .executeTakeFirst();
    if (
      !team ||
      (team.waba_id === null && !seesSharedRows(principal)) ||
      (team.waba_id !== null && principal.wabaIds !== null && !principal.wabaIds.includes(team.waba_id))
    )
      throw new AppError('VALIDATION_FAILED', 'No such team.');
  }
}

async function visiblePolicy(db: Db, principal: Principal, id: string): Promise<RoutingPolicyRow> {
  const row = await db.selectFrom('routing_policies').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', 'No such routing policy.');
  if (!row.phone_number_id && !seesSharedRows(principal))
    throw new AppError('NOT_FOUND', 'No such routing policy.');
  if (row.phone_number_id && principal.wabaIds !== null) {
    const waba = await wabaOfNumber(db, row.phone_number_id);
    if (!waba || !principal.wabaIds.includes(waba))
      throw new AppError('NOT_FOUND', 'No such routing policy.');
  }
  return row;
}

export async function listPolicies(db: Db, principal: Principal): Promise<ApiRoutingPolicy[]> {
  const rows = await db.selectFrom('routing_policies').selectAll().orderBy('created_at').execute();
  const out: ApiRoutingPolicy[] = [];
  for (const row of rows) {
    // A policy for every number is the default organisation's (`auth/scope.ts`).
    if (!row.phone_number_id && !seesSharedRows(principal)) continue;
    if (row.phone_number_id && principal.wabaIds !== null) {
      const waba = await wabaOfNumber(db, row.phone_number_id);
      if (!waba || !principal.wabaIds.includes(waba)) continue;
    }
    out.push(toApiPolicy(row));
  }
  return out;
}

const changed = (
  id: string,
  action: string,
  principal: Principal,
  phoneNumberId: string | null,
  entity = 'routing_policy',
) =>
  ({
    type: 'automation.changed',
    phoneNumberId,
    payload: { entity, id, action, actor: actorOf(principal) },
  }) as const;

export async function createPolicy(
  deps: AppDeps,
  input: {
    principal: Principal;
    policy: Required<{ [K in keyof PolicyInput]-?: NonNullable<PolicyInput[K]> | null }>;
  },
): Promise<ApiRoutingPolicy> {
  const db = deps.database.db;
  const p = input.policy;
  await assertScope(db, input.principal, { phoneNumberId: p.phone_number_id, teamId: p.team_id });
  const now = deps.clock.now();
  const id = newId();
  await withEvents(deps, async (trx) => {
    await trx
      .insertInto('routing_policies')
      .values({
        id,
        name: p.name ?? 'Policy',
        phone_number_id: p.phone_number_id,
        team_id: p.team_id,
        strategy: p.strategy ?? 'balanced',
        match_skills: p.match_skills === false ? 0 : 1,
        match_language: p.match_language === false ? 0 : 1,
        require_available: p.require_available === false ? 0 : 1,
        default_capacity: p.default_capacity ?? 10,
        last_user_id: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await recordEvent(trx, changed(id, 'created', input.principal, p.phone_number_id), now);
  });
  return toApiPolicy(await visiblePolicy(db, input.principal, id));
}

export async function updatePolicy(
  deps: AppDeps,
  input: { principal: Principal; id: string; patch: PolicyInput },
) {
  const db = deps.database.db;
  const row = await visiblePolicy(db, input.principal, input.id);
  const p = input.patch;
  await assertScope(db, input.principal, {
    phoneNumberId: p.phone_number_id !== undefined ? p.phone_number_id : row.phone_number_id,
    teamId: p.team_id !== undefined ? p.team_id : row.team_id,
  });
  const now = deps.clock.now();
  const bit = (b: boolean | undefined) => (b === undefined ? undefined : b ? 1 : 0);
  const set = Object.fromEntries(
    Object.entries({
      name: p.name,
      phone_number_id: p.phone_number_id,
      team_id: p.team_id,
      strategy: p.strategy,
      match_skills: bit(p.match_skills),
      match_language: bit(p.match_language),
      require_available: bit(p.require_available),
      default_capacity: p.default_capacity,
    }).filter(([, v]) => v !== undefined),
  );
  await withEvents(deps, async (trx) => {
    await trx
      .updateTable('routing_policies')
      .set({ ...set, updated_at: now })
      .where('id', '=', row.id)
      .execute();
    await recordEvent(trx, changed(row.id, 'changed', input.principal, row.phone_number_id), now);
  });
  return toApiPolicy(await visiblePolicy(db, input.principal, row.id));
}

export async function deletePolicy(
  deps: AppDeps,
  input: { principal: Principal; id: string },
): Promise<void> {
  const row = await visiblePolicy(deps.database.db, input.principal, input.id);
  const now = deps.clock.now();
  await withEvents(deps, async (trx) => {
    await trx.deleteFrom('routing_policies').where('id', '=', row.id).execute();
    await recordEvent(trx, changed(row.id, 'deleted', input.principal, row.phone_number_id), now);
  });
}

async function assertUser(db: Db, principal: Principal, userId: string): Promise<void> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'all_wabas'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) throw new AppError('NOT_FOUND', 'No such user.');
  if (principal.wabaIds === null || user.all_wabas === 1) return;
  const shared = await db
    .selectFrom('user_wabas')
    .select('waba_id')
    .where('user_id', '=', userId)
    .where('waba_id', 'in', principal.wabaIds.length ? [...principal.wabaIds] : ['-'])
    .executeTakeFirst();
  if (!shared) throw new AppError('NOT_FOUND', 'No such user.');
}

export async function agentRouting(db: Db, principal: Principal, userId: string): Promise<ApiAgentRouting> {
  await assertUser(db, principal, userId);
  const row = await db
    .selectFrom('agent_routing')
    .selectAll()
    .where('user_id', '=', userId)
    .executeTakeFirst();
  const open = await db
    .selectFrom('conversations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('assignee_user_id', '=', userId)
    .where('status', '!=', 'resolved')
    .executeTakeFirst();
  return {
    user_id: userId,
    skills: parseJsonOr<string[]>(row?.skills_json, []),
    languages: parseJsonOr<string[]>(row?.languages_json, []),
    capacity: row?.capacity ?? null,
    time_zone: row?.time_zone ?? null,
    working_hours: row?.working_hours_json
      ? parseJsonOr<WeeklyHours | null>(row.working_hours_json, null)
      : null,
    open_conversations: Number(open?.n ?? 0),
  } as ApiAgentRouting;
}

export async function putAgentRouting(
  deps: AppDeps,
  input: {
    principal: Principal;
    userId: string;
    skills: string[];
    languages: string[];
    capacity: number | null;
    timeZone: string | null;
    workingHours: WeeklyHours | null;
  },
): Promise<ApiAgentRouting> {
  const db = deps.database.db;
  await assertUser(db, input.principal, input.userId);
  if (input.workingHours && !input.timeZone)
    throw new AppError('VALIDATION_FAILED', 'Working hours need a time zone.');
  if (input.timeZone && !isValidTimeZone(input.timeZone))
    throw new AppError('VALIDATION_FAILED', `Unknown time zone "${input.timeZone}".`);
  const now = deps.clock.now();
  const values = {
    skills_json: JSON.stringify([...new Set(input.skills)]),
    languages_json: JSON.stringify([...new Set(input.languages)]),
    capacity: input.capacity,
    time_zone: input.timeZone,
    working_hours_json: input.workingHours ? JSON.stringify(input.workingHours) : null,
    updated_at: now,
  };
  await withEvents(deps, async (trx) => {
    await trx
      .insertInto('agent_routing')
      .values({ user_id: input.userId, ...values })
      .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
      .execute();
    await recordEvent(trx, changed(input.userId, 'changed', input.principal, null, 'agent_routing'), now);
  });
  return agentRouting(db, input.principal, input.userId);
}

export async function listQueue(db: Db, principal: Principal) {
  let query = db
    .selectFrom('routing_queue')
    .innerJoin('phone_numbers', 'phone_numbers.id', 'routing_queue.phone_number_id')
    .selectAll('routing_queue')
    .orderBy('queued_at');
  if (principal.wabaIds !== null)
    query = query.where(
      'phone_numbers.waba_id',
      'in',
      principal.wabaIds.length ? [...principal.wabaIds] : ['-'],
    );
  return (await query.execute()).map((r) => ({
    conversation_id: r.conversation_id,
    phone_number_id: r.phone_number_id,
    policy_id: r.policy_id,
    team_id: r.team_id,
    skills: parseJsonOr<string[]>(r.skills_json, []),
    language: r.language,
    reason: r.reason,
    queued_at: iso(Number(r.queued_at)),
  }));
}

export async function decisionsOf(
  db: Db,
  principal: Principal,
  conversationId: string,
): Promise<ApiRoutingDecision[]> {
  const { row } = await conversationFor(db, principal, conversationId);
  const rows = await db
    .selectFrom('routing_decisions')
    .selectAll()
    .where('conversation_id', '=', row.id)
    .orderBy('id', 'desc')
    .limit(50)
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    conversation_id: r.conversation_id,
    policy_id: r.policy_id,
    user_id: r.user_id,
    outcome: r.outcome,
    why: parseJsonOr<Record<string, unknown>>(r.why_json, {}),
    created_at: iso(Number(r.created_at)),
  }));
}

/** Routes a conversation now (the inbox's "route" or an integration), returning the decision and why. */
export async function routeNow(
  deps: AppDeps,
  input: {
    principal: Principal;
    conversationId: string;
    policyId?: string | undefined;
    teamId?: string | undefined;
    skills?: string[] | undefined;
    language?: string | undefined;
  },
): Promise<ApiRoutingDecision> {
  const db = deps.database.db;
  const { row } = await conversationFor(db, input.principal, input.conversationId);
  if (input.policyId) await visiblePolicy(db, input.principal, input.policyId);
  await withEvents(deps, (trx) =>
    routeConversation(deps, trx, {
      conversationId: row.id,
      policyId: input.policyId ?? null,
      teamId: input.teamId ?? null,
      skills: input.skills ?? [],
      language: input.language ?? null,
      reason: `requested by ${input.principal.kind} ${input.principal.userId ?? input.principal.id}`,
    }),
  );
  const [latest] = await decisionsOf(db, input.principal, row.id);
  if (!latest) throw new AppError('INTERNAL');
  return latest;
}
