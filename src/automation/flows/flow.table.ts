import type { Selectable } from 'kysely';

/** A bot flow. Its steps live in versions: editing publishes a new one (`current_version`). */
export interface FlowTable {
  id: string;
  /** The number it runs on; null = every number. */
  phone_number_id: string | null;
  name: string;
  description: string;
  current_version: number;
  /** 1 = may be started (by a rule, or as the welcome flow). */
  enabled: number;
  /** 1 = started for every new customer conversation of its number (the demo's welcome flow). */
  is_welcome: number;
  /** The secret that signs the flow's HTTP requests, sealed (`platform/crypto/secrets.ts`). */
  signing_secret: string;
  created_at: number;
  updated_at: number;
}

/** One published version of a flow: the definition (`flow-definition.ts`), never changed after. */
export interface FlowVersionTable {
  flow_id: string;
  version: number;
  definition_json: string;
  created_by: string | null;
  created_at: number;
}

/** Where a session stands: running (waiting for the customer or a call), or finished and why. */
export type FlowSessionStatus = 'active' | 'completed' | 'handed_off' | 'cancelled';

/** A conversation inside a flow, pinned to the version it started on. */
export interface FlowSessionTable {
  id: string;
  conversation_id: string;
  flow_id: string;
  version: number;
  status: FlowSessionStatus;
  /** The step it is at (waiting on), null when finished. */
  step_id: string | null;
  /** 'answer' (a question), 'call' (an HTTP or AI step running as a job), or null. */
  waiting: string | null;
  retries: number;
  /** The interpreter's state: answers collected, last answer, variables (JSON). */
  state_json: string;
  trigger: string;
  started_at: number;
  updated_at: number;
  ended_at: number | null;
}

export type FlowRow = Selectable<FlowTable>;
export type FlowVersionRow = Selectable<FlowVersionTable>;
export type FlowSessionRow = Selectable<FlowSessionTable>;

export interface FlowTables {
  flows: FlowTable;
  flow_versions: FlowVersionTable;
  flow_sessions: FlowSessionTable;
}
