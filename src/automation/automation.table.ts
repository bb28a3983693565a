import type { Generated, Selectable } from 'kysely';

/** Per-number automation settings; a number without a row uses the defaults (`control.ts`). */
export interface AutomationSettingsTable {
  phone_number_id: string;
  /** How long the humans must be silent before automation may speak again (default 30 min). */
  human_silence_ms: number;
  /** The loop breaker: at most this many automated messages per conversation per hour. */
  loop_cap_per_hour: number;
  updated_at: number;
}

/** Who is in control of a conversation: automation, or humans since when and who. */
export type ControlMode = 'automation' | 'human';

/**
 * One row per conversation that automation or a human has touched. The effective state also looks
 * at the conversation's latest human message (`control.ts`), so a human reply counts at its commit,
 * before this row is updated.
 */
export interface ConversationControlTable {
  conversation_id: string;
  phone_number_id: string;
  mode: ControlMode;
  since: number;
  /** Who took control: `user`, `token`, `owner` (the phone), `system` (a rule). */
  by_kind: string | null;
  by_id: string | null;
  /** Humans keep control until this time (each human reply extends it); null = no timer. */
  paused_until: number | null;
  /** 1 = stays with humans whatever the silence (only "hand back" or resolve ends it). */
  keep_with_humans: Generated<number>;
  /** The last hand back (or resolve): human messages before it no longer hold automation. */
  handed_back_at: number | null;
  /** The flow run the conversation is inside, if any (`automation/flows/`). */
  active_flow_run_id: string | null;
  updated_at: number;
}

/** Where an automated message came from: a flow (`bot`) or a rule. */
export type AutomatedOrigin = 'bot' | 'rule';

/** Every message automation queued, with its origin; the loop breaker counts these. */
export interface AutomatedSendTable {
  message_id: string;
  conversation_id: string;
  phone_number_id: string;
  origin: AutomatedOrigin;
  /** The flow run and step, or the rule id, that sent it. */
  origin_ref: string;
  created_at: number;
  /** Set when a human reply cancelled it before it went. */
  cancelled_at: number | null;
  cancel_reason: string | null;
  /**
   * 1 when the automation that queued it then handed the conversation to humans in the same
   * transaction (a flow's handoff message): it still goes, unless a human replies first.
   */
  by_handoff: Generated<number>;
}

/** A rule: when (trigger) → if (conditions) → then (actions); JSON columns checked by `rule.schemas.ts`. */
export interface AutomationRuleTable {
  id: string;
  /** Null = every number. */
  phone_number_id: string | null;
  name: string;
  enabled: number;
  /** Rules run in ascending position. */
  position: number;
  trigger_json: string;
  conditions_json: string;
  actions_json: string;
  created_at: number;
  updated_at: number;
}

/** `done` = actions ran, `skipped` = it did nothing (the reason says why), `failed` = an action threw. */
export type RunOutcome = 'done' | 'skipped' | 'failed';

/** The run log: one row per rule evaluation that matched its trigger. */
export interface AutomationRunTable {
  id: Generated<number>;
  rule_id: string;
  conversation_id: string | null;
  phone_number_id: string | null;
  trigger: string;
  /** The event or timer the run answers; a redelivered event finds its run and adds none. */
  dedup_key: string;
  outcome: RunOutcome;
  reason: string | null;
  /** What each action did: `[{ action, ok, detail }]`. */
  steps_json: string;
  created_at: number;
  finished_at: number | null;
}

/** Business hours of a number, in its own time zone, with holidays and an out-of-hours reply. */
export interface BusinessHoursTable {
  phone_number_id: string;
  /** IANA time zone, e.g. `America/Mexico_City`. */
  time_zone: string;
  /** `{ "mon": [["09:00","18:00"]], … }`: open intervals per weekday, local time. */
  weekly_json: string;
  /** `["2026-12-25", …]`: local dates closed all day. */
  holidays_json: string;
  /** Sent once per conversation per closed spell when a customer writes out of hours; null = none. */
  out_of_hours_text: string | null;
  updated_at: number;
}

/** VIP contacts: left to the owner on the phone (no bot, no auto-assignment). */
export interface VipContactTable {
  contact_id: string;
  note: string | null;
  created_by: string | null;
  created_at: number;
}

export type ConversationControlRow = Selectable<ConversationControlTable>;
export type AutomationRuleRow = Selectable<AutomationRuleTable>;
export type AutomationRunRow = Selectable<AutomationRunTable>;
export type BusinessHoursRow = Selectable<BusinessHoursTable>;
export type AutomationSettingsRow = Selectable<AutomationSettingsTable>;

export interface AutomationTables {
  automation_settings: AutomationSettingsTable;
  conversation_control: ConversationControlTable;
  automated_sends: AutomatedSendTable;
  automation_rules: AutomationRuleTable;
  automation_runs: AutomationRunTable;
  business_hours: BusinessHoursTable;
  vip_contacts: VipContactTable;
}
