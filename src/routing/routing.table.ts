import type { Generated, Selectable } from 'kysely';

/** How a policy picks among the eligible agents. */
export type RoutingStrategy = 'round_robin' | 'balanced';

/** A routing policy, for one number or team (or all when both are null). */
export interface RoutingPolicyTable {
  id: string;
  name: string;
  phone_number_id: string | null;
  /** The team whose members are the candidates; null = every agent of the business account. */
  team_id: string | null;
  strategy: RoutingStrategy;
  /** 1 = an agent must have every skill the conversation asks for. */
  match_skills: number;
  /** 1 = an agent must speak the conversation's language (when it has one). */
  match_language: number;
  /** 1 = only agents online (presence) and within their working hours. */
  require_available: number;
  /** Open conversations an agent may hold when their profile sets no capacity. */
  default_capacity: number;
  /** Round-robin's cursor: the agent who got the last conversation. */
  last_user_id: string | null;
  created_at: number;
  updated_at: number;
}

/** An agent's routing profile: skills, languages, capacity and working hours. */
export interface AgentRoutingTable {
  user_id: string;
  skills_json: string;
  languages_json: string;
  /** Null = the policy's default capacity. */
  capacity: number | null;
  time_zone: string | null;
  /** `{ "mon": [["09:00","17:00"]], … }` in `time_zone`; null = always working. */
  working_hours_json: string | null;
  updated_at: number;
}

/** Conversations waiting for an agent: drained when one frees capacity or comes online. */
export interface RoutingQueueTable {
  conversation_id: string;
  phone_number_id: string;
  policy_id: string | null;
  team_id: string | null;
  skills_json: string;
  language: string | null;
  reason: string;
  queued_at: number;
}

/** Every routing decision and why: the agent picked (with the candidates considered) or queued. */
export interface RoutingDecisionTable {
  id: Generated<number>;
  conversation_id: string;
  phone_number_id: string;
  policy_id: string | null;
  user_id: string | null;
  outcome: 'assigned' | 'queued' | 'skipped';
  why_json: string;
  created_at: number;
}

export type RoutingPolicyRow = Selectable<RoutingPolicyTable>;
export type AgentRoutingRow = Selectable<AgentRoutingTable>;
export type RoutingQueueRow = Selectable<RoutingQueueTable>;

export interface RoutingTables {
  routing_policies: RoutingPolicyTable;
  agent_routing: AgentRoutingTable;
  routing_queue: RoutingQueueTable;
  routing_decisions: RoutingDecisionTable;
}
