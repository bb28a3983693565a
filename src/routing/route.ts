import type { Kysely } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { membersForWaba, sharedRowsApplyTo } from '../auth/organisation-scope.ts';
import type { DB } from '../database.ts';
import { applyConversationPatch } from '../inbox/conversation-actions.ts';
import type { Actor } from '../platform/events/catalogue.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { parseJsonOr } from '../platform/json.ts';
import { isOpenAt, type WeeklyHours } from '../platform/schedule.ts';
import { effectivePresence, lastSessionActivity } from '../users/presence.ts';
import type { RouteWhyCode } from './route-why.ts';
import type { RoutingPolicyRow, RoutingStrategy } from './routing.table.ts';

/**
 * Routing: who gets a conversation. A policy (per number or team) names the candidates (a team's
 * members, or every agent of the business account), filters them by skills, language and
 * availability (presence plus the agent's working hours), keeps those under their capacity of open
 * conversations, and picks round-robin or the least loaded. No one eligible: the conversation waits
 * in the queue, drained when an agent frees capacity or comes online. VIP contacts are never
 * auto-assigned (they are left to the owner on the phone). Every decision records why.
 */

type Db = Kysely<DB>;

export type RouteInput = {
  readonly conversationId: string;
  readonly teamId?: string | null;
  readonly policyId?: string | null;
  /** Skills the conversation needs (set by a rule or a flow). */
  readonly skills?: readonly string[];
  /** The conversation's language (`es`, `pt-BR`, …). */
  readonly language?: string | null;
  /** Why routing was asked (`rule:<id>`, `flow handoff`, `queue drain`, …). */
  readonly reason: string;
};

/** One candidate as the decision saw it. */
export type CandidateWhy = {
  readonly user_id: string;
  readonly open: number;
  readonly capacity: number;
  /** Why it was not eligible (`skills`, `language`, `offline`, `outside_working_hours`, `at_capacity`); null = eligible. */
  readonly excluded: string | null;
};

export type RouteWhy = {
  readonly reason: string;
  readonly policy: { id: string | null; name: string; strategy: RoutingStrategy };
  readonly team_id: string | null;
  readonly skills: readonly string[];
  readonly language: string | null;
  readonly candidates: readonly CandidateWhy[];
  /** One sentence: why this agent, or why nobody. */
  readonly summary: string;
  /** The summary as a stable code and its values (`route-why.ts`), for a reader's own language. */
  readonly code: RouteWhyCode;
  readonly params?: Readonly<Record<string, string>>;
};

export type RouteResult =
  | { readonly outcome: 'assigned'; readonly userId: string; readonly why: RouteWhy }
  | { readonly outcome: 'queued'; readonly why: RouteWhy }
  | { readonly outcome: 'skipped'; readonly why: RouteWhy };

/** The policy used when none is configured: balanced, skills and language matched, only available agents. */
export const DEFAULT_POLICY = {
  id: null,
  name: 'Default (balanced)',
  strategy: 'balanced' as RoutingStrategy,
  team_id: null,
  match_skills: 1,
  match_language: 1,
  require_available: 1,
  default_capacity: 10,
  last_user_id: null,
};

type Policy = Pick<
  RoutingPolicyRow,
  | 'name'
  | 'strategy'
  | 'team_id'
  | 'match_skills'
  | 'match_language'
  | 'require_available'
  | 'default_capacity'
  | 'last_user_id'
> & { id: string | null };

const ROUTING_ACTOR: Actor = { kind: 'system', id: 'routing' };

/** The policy for a conversation: the one asked for, else the team's, else the number's, else a global one. */
async function policyFor(
  trx: Db,
  input: { policyId?: string | null; teamId?: string | null; phoneNumberId: string },
): Promise<Policy> {
  if (input.policyId) {
    const row = await trx
      .selectFrom('routing_policies')
      .selectAll()
      .where('id', '=', input.policyId)
      .executeTakeFirst();
    if (row) return row;
  }
  const fetched = await trx
    .selectFrom('routing_policies')
    .selectAll()
    .where((eb) =>
      eb.or([eb('phone_number_id', '=', input.phoneNumberId), eb('phone_number_id', 'is', null)]),
    )
    .orderBy('created_at')
    .execute();
  // A policy for every number is the default organisation's: never another organisation's numbers.
  const shared =
    !fetched.some((p) => p.phone_number_id === null) || (await sharedRowsApplyTo(trx, input.phoneNumberId));
  const rows = fetched.filter((p) => p.phone_number_id !== null || shared);
  const score = (p: RoutingPolicyRow) =>
    (input.teamId && p.team_id === input.teamId ? 4 : 0) +
    (p.phone_number_id === input.phoneNumberId ? 2 : 0) +
    (p.team_id === null ? 1 : 0);
  const usable = rows.filter((p) => !input.teamId || p.team_id === input.teamId || p.team_id === null);
  const best = usable.sort((a, b) => score(b) - score(a))[0];
  if (best) return best;
  return { ...DEFAULT_POLICY, team_id: input.teamId ?? null };
}

/** The users who may take conversations of the number: a team's members, or its business account's agents. */
async function candidatesFor(trx: Db, input: { teamId: string | null; wabaId: string }) {
  let query = trx
    .selectFrom('users')
    .select(['users.id', 'users.role', 'users.all_wabas', 'users.presence', 'users.presence_at'])
    .where('users.disabled_at', 'is', null)
    .where('users.role', '!=', 'auditor');
  if (input.teamId) {
    query = query
      .innerJoin('team_members', 'team_members.user_id', 'users.id')
      .where('team_members.team_id', '=', input.teamId);
  } else {
    query = query.where('users.role', 'in', ['agent', 'supervisor']);
  }
  const users = await query.orderBy('users.id').execute();
  if (users.length === 0) return [];
  const scoped = await trx
    .selectFrom('user_wabas')
    .select(['user_id'])
    .where('waba_id', '=', input.wabaId)
    .where(
      'user_id',
      'in',
      users.map((u) => u.id),
    )
    .execute();
  const inWaba = new Set(scoped.map((s) => s.user_id));
  // Only members of the organisation that owns the account (their role there aside).
  const members = await membersForWaba(
    trx,
    input.wabaId,
    users.map((u) => u.id),
  );
  return users.filter(
    (u) => members.has(u.id) && (u.role === 'owner' || u.all_wabas === 1 || inWaba.has(u.id)),
  );
}

/** Open (not resolved) conversations per user. */
async function openLoads(trx: Db, userIds: readonly string[]): Promise<Map<string, number>> {
  if (userIds.length === 0) return new Map();
  const rows = await trx
    .selectFrom('conversations')
    .select(['assignee_user_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('assignee_user_id', 'in', [...userIds])
    .where('status', '!=', 'resolved')
    .groupBy('assignee_user_id')
    .execute();
  return new Map(rows.map((r) => [r.assignee_user_id as string, Number(r.n)]));
}

const norm = (s: string) => s.trim().toLowerCase();

/** Whether an agent speaks a language: `pt` matches `pt-BR` either way round. */
function speaks(languages: readonly string[], language: string): boolean {
  const want = norm(language);
  return languages.some((l) => {
    const have = norm(l);
    return have === want || have.split('-')[0] === want.split('-')[0];
  });
}

/** Why a candidate is not eligible, or null. Pure; the tests drive it through {@link routeConversation}. */
function exclusion(
  policy: Policy,
  agent: {
    skills: string[];
    languages: string[];
    available: boolean;
    working: boolean;
    open: number;
    capacity: number;
  },
  want: { skills: readonly string[]; language: string | null },
): string | null {
  if (policy.match_skills === 1 && want.skills.some((s) => !agent.skills.map(norm).includes(norm(s))))
    return 'skills';
  if (policy.match_language === 1 && want.language && !speaks(agent.languages, want.language))
    return 'language';
  if (policy.require_available === 1 && !agent.available) return 'offline';
  if (policy.require_available === 1 && !agent.working) return 'outside_working_hours';
  if (agent.open >= agent.capacity) return 'at_capacity';
  return null;
}

/** Round-robin order: the agents after the last one picked, then from the start. */
function rotate<T extends { user_id: string }>(items: readonly T[], lastUserId: string | null): T[] {
  if (!lastUserId) return [...items];
  const after = items.filter((i) => i.user_id > lastUserId);
  const before = items.filter((i) => i.user_id <= lastUserId);
  return [...after, ...before];
}

async function recordDecision(
  trx: Db,
  input: {
    conversationId: string;
    phoneNumberId: string;
    policyId: string | null;
    userId: string | null;
    outcome: 'assigned' | 'queued' | 'skipped';
    why: RouteWhy;
    now: number;
  },
) {
  await trx
    .insertInto('routing_decisions')
    .values({
      conversation_id: input.conversationId,
      phone_number_id: input.phoneNumberId,
      policy_id: input.policyId,
      user_id: input.userId,
      outcome: input.outcome,
      why_json: JSON.stringify(input.why),
      created_at: input.now,
    })
    .execute();
  await recordEvent(
    trx,
    {
      type: 'routing.decided',
      phoneNumberId: input.phoneNumberId,
      payload: {
        conversation_id: input.conversationId,
        outcome: input.outcome,
        user_id: input.userId,
        policy_id: input.policyId,
      },
    },
    input.now,
  );
}

/**
 * Routes a conversation in the caller's transaction: assigns it (through the inbox's assignment,
 * `applyConversationPatch`, with routing as the actor) to the agent the policy picks, recording why,
 * or queues it when nobody is eligible. A VIP conversation is skipped (left to the owner).
 */
export async function routeConversation(
  deps: Pick<AppDeps, 'clock'>,
  trx: Db,
  input: RouteInput,
): Promise<RouteResult> {
  const now = deps.clock.now();
  const found = await trx
    .selectFrom('conversations')
    .innerJoin('phone_numbers', 'phone_numbers.id', 'conversations.phone_number_id')
    .selectAll('conversations')
    .select('phone_numbers.waba_id as waba_id')
    .where('conversations.id', '=', input.conversationId)
    .executeTakeFirst();
  if (!found) throw new Error(`routeConversation: no conversation ${input.conversationId}`);
  const { waba_id: wabaId, ...row } = found;
  const teamId = input.teamId ?? null;
  const policy = await policyFor(trx, {
    policyId: input.policyId ?? null,
    teamId,
    phoneNumberId: row.phone_number_id,
  });
  const team = teamId ?? policy.team_id;
  const skills = [...new Set(input.skills ?? [])];
  const language = input.language ?? null;
  const base = {
    reason: input.reason,
    policy: { id: policy.id, name: policy.name, strategy: policy.strategy },
    team_id: team,
    skills,
    language,
  };
  const vip = await trx
    .selectFrom('vip_contacts')
    .select('contact_id')
    .where('contact_id', '=', row.contact_id)
    .executeTakeFirst();
  if (vip) {
    const why: RouteWhy = {
      ...base,
      candidates: [],
      summary: 'VIP contact: left to the owner on the phone, not auto-assigned.',
      code: 'vip',
    };
    await trx.deleteFrom('routing_queue').where('conversation_id', '=', row.id).execute();
    await recordDecision(trx, {
      conversationId: row.id,
      phoneNumberId: row.phone_number_id,
      policyId: policy.id,
      userId: null,
      outcome: 'skipped',
      why,
      now,
    });
    return { outcome: 'skipped', why };
  }

  const users = await candidatesFor(trx, { teamId: team, wabaId });
  const ids = users.map((u) => u.id);
  const [profiles, loads, sessions] = await Promise.all([
    ids.length
      ? trx.selectFrom('agent_routing').selectAll().where('user_id', 'in', ids).execute()
      : Promise.resolve([]),
    openLoads(trx, ids),
    lastSessionActivity(trx, ids),
  ]);
  const profileOf = new Map(profiles.map((p) => [p.user_id, p]));
  const candidates: CandidateWhy[] = users.map((u) => {
    const profile = profileOf.get(u.id);
    const hours = profile?.working_hours_json
      ? parseJsonOr<WeeklyHours | null>(profile.working_hours_json, null)
      : null;
    const working =
      !hours || !profile?.time_zone ? true : isOpenAt({ timeZone: profile.time_zone, weekly: hours }, now);
    const open = loads.get(u.id) ?? 0;
    const capacity = profile?.capacity ?? policy.default_capacity;
    const excluded = exclusion(
      policy,
      {
        skills: parseJsonOr<string[]>(profile?.skills_json, []),
        languages: parseJsonOr<string[]>(profile?.languages_json, []),
        available: effectivePresence(u, sessions.get(u.id) ?? null, now) === 'online',
        working,
        open,
        capacity,
      },
      { skills, language },
    );
    return { user_id: u.id, open, capacity, excluded };
  });
  const eligible = candidates.filter((c) => c.excluded === null);
  if (eligible.length === 0) {
    const why: RouteWhy = {
      ...base,
      candidates,
      summary:
        candidates.length === 0
          ? 'Queued: no agents for this policy.'
          : 'Queued: no candidate is eligible now.',
      code: candidates.length === 0 ? 'no_agents' : 'none_eligible',
    };
    const already = await trx
      .selectFrom('routing_queue')
      .select('conversation_id')
      .where('conversation_id', '=', row.id)
      .executeTakeFirst();
    if (already) return { outcome: 'queued', why }; // Still waiting: its place and first decision stand.
    // Waiting for an agent of the team, it is already the team's (their "Team" view shows it).
    if (team && team !== row.team_id) {
      await applyConversationPatch(trx, { row, patch: { team_id: team }, actor: ROUTING_ACTOR, now });
    }
    await trx
      .insertInto('routing_queue')
      .values({
        conversation_id: row.id,
        phone_number_id: row.phone_number_id,
        policy_id: policy.id,
        team_id: team,
        skills_json: JSON.stringify(skills),
        language,
        reason: input.reason,
        queued_at: now,
      })
      .execute();
    await recordDecision(trx, {
      conversationId: row.id,
      phoneNumberId: row.phone_number_id,
      policyId: policy.id,
      userId: null,
      outcome: 'queued',
      why,
      now,
    });
    return { outcome: 'queued', why };
  }
  const ordered = rotate(eligible, policy.last_user_id);
  const picked =
    policy.strategy === 'balanced'
      ? ordered.reduce((best, c) => (c.open / c.capacity < best.open / best.capacity ? c : best))
      : (ordered[0] as CandidateWhy);
  const summary =
    policy.strategy === 'balanced'
      ? `Least loaded eligible agent (${picked.open} of ${picked.capacity} open).`
      : `Next in turn among ${eligible.length} eligible agents (round-robin).`;
  const why: RouteWhy = {
    ...base,
    candidates,
    summary,
    ...(policy.strategy === 'balanced'
      ? {
          code: 'least_loaded' as const,
          params: { open: String(picked.open), capacity: String(picked.capacity) },
        }
      : { code: 'round_robin' as const, params: { eligible: String(eligible.length) } }),
  };
  await applyConversationPatch(trx, {
    row,
    patch: { assignee_user_id: picked.user_id, ...(team && team !== row.team_id ? { team_id: team } : {}) },
    actor: ROUTING_ACTOR,
    now,
  });
  if (policy.id) {
    await trx
      .updateTable('routing_policies')
      .set({ last_user_id: picked.user_id })
      .where('id', '=', policy.id)
      .execute();
  }
  await trx.deleteFrom('routing_queue').where('conversation_id', '=', row.id).execute();
  await recordDecision(trx, {
    conversationId: row.id,
    phoneNumberId: row.phone_number_id,
    policyId: policy.id,
    userId: picked.user_id,
    outcome: 'assigned',
    why,
    now,
  });
  return { outcome: 'assigned', userId: picked.user_id, why };
}

/**
 * Drains the queue, oldest first: each waiting conversation is routed again with what it asked for
 * (a conversation assigned or resolved meanwhile leaves the queue). Called when an agent frees
 * capacity or comes online, and by a recurring job. Returns how many were assigned.
 */
export async function drainQueue(
  deps: Pick<AppDeps, 'clock'>,
  trx: Db,
  input: { phoneNumberId?: string; limit?: number } = {},
): Promise<number> {
  let query = trx
    .selectFrom('routing_queue')
    .selectAll()
    .orderBy('queued_at')
    .orderBy('conversation_id')
    .limit(input.limit ?? 50);
  if (input.phoneNumberId) query = query.where('phone_number_id', '=', input.phoneNumberId);
  const waiting = await query.execute();
  let assigned = 0;
  for (const q of waiting) {
    const conversation = await trx
      .selectFrom('conversations')
      .select(['assignee_user_id', 'status'])
      .where('id', '=', q.conversation_id)
      .executeTakeFirst();
    if (!conversation || conversation.assignee_user_id !== null || conversation.status === 'resolved') {
      await trx.deleteFrom('routing_queue').where('conversation_id', '=', q.conversation_id).execute();
      continue;
    }
    // Routed again from scratch; one still without an eligible agent keeps its place, and the
    // ones behind it are tried too (a skill nobody has online must not block the others).
    const result = await routeConversation(deps, trx, {
      conversationId: q.conversation_id,
      teamId: q.team_id,
      policyId: q.policy_id,
      skills: parseJsonOr<string[]>(q.skills_json, []),
      language: q.language,
      reason: `queue drain (${q.reason})`,
    });
    if (result.outcome === 'assigned') assigned += 1;
  }
  return assigned;
}
