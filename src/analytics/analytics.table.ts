import type { Selectable } from 'kysely';

/**
 * Where each conversation's current care cycle stands, as the analytics subscriber has folded it
 * from the event log (`metric-fold.ts`). Derived state: `recomputeAnalytics` rebuilds it.
 */
export interface AnalyticsConversationTable {
  conversation_id: string;
  phone_number_id: string;
  team_id: string | null;
  assignee_user_id: string | null;
  /** `open` while a cycle runs, `resolved` between a resolution and the next reopen. */
  state: 'open' | 'resolved';
  /** The start of the current open → resolve cycle. */
  cycle_started_at: number;
  /** Cycle number, 1 for the first; a reopen adds one. */
  cycle: number;
  /** Where the first-response clock of this cycle started (customer's first message, or the bot's handoff). */
  frt_clock_at: number | null;
  /** When the first human reply of the cycle came; null until then. */
  first_response_at: number | null;
  /** The start of the customer's current unanswered wait; null when nobody waits. */
  waiting_since: number | null;
  /** 1 when the bot replied in this cycle. */
  bot_replied: number;
  /** 1 when a human (agent or Business app) replied in this cycle. */
  human_replied: number;
  /** When the bot handed the cycle to a human; null if it did not. */
  handoff_at: number | null;
  /** When the customer last answered a CSAT survey while resolved (its comment may follow). */
  csat_answered_at: number | null;
  updated_at: number;
}

/**
 * Pre-aggregated metrics in 15-minute buckets (UTC, so every time zone's days and hours line up:
 * all zone offsets are multiples of 15 minutes). One row per bucket, dimensions, metric and bin.
 * Durations are histograms (`bin` = log bucket of the value, `total` = the sum of the values), so
 * mean, median and p90 come from the rollup alone; counters use bin 0.
 */
export interface AnalyticsRollupTable {
  bucket_at: number;
  phone_number_id: string;
  /** `''` when none. */
  team_id: string;
  /** The agent it is attributed to; `''` when none (bot, Business app, unassigned). */
  user_id: string;
  /** Replies: who answered (`agent`, `bot`, `business_app`, `api`, `campaign`). Costs: the pricing category. Else `''`. */
  kind: string;
  metric: string;
  bin: number;
  count: number;
  total: number;
}

/**
 * {@link AnalyticsRollupTable} by UTC day and number only (no team or agent): the whole days of the
 * reports that do not split by team or agent (overview, numbers, responders, costs).
 */
export interface AnalyticsNumberDailyTable {
  bucket_at: number;
  phone_number_id: string;
  kind: string;
  metric: string;
  bin: number;
  count: number;
  total: number;
}

/** Each number's metrics per 15-minute bucket without other dimensions: the charts by day and hour. */
export interface AnalyticsSeriesTable {
  bucket_at: number;
  phone_number_id: string;
  metric: string;
  count: number;
  total: number;
}

/** Outbound messages whose cost is already in the rollups (each is counted once, at its first priced status). */
export interface AnalyticsPricedMessageTable {
  message_id: string;
}

/**
 * Per-number report and service settings: SLA targets and the CSAT survey. The number's business
 * hours are the automation's `business_hours` (one store since migration 041).
 */
export interface AnalyticsNumberSettingsTable {
  phone_number_id: string;
  /** IANA time zone the settings were saved with (the business hours carry their own). */
  time_zone: string;
  first_response_target_ms: number | null;
  resolution_target_ms: number | null;
  csat_enabled: number;
  /** Template sent when the window is closed (`name` + `language`), if configured. */
  csat_template_name: string | null;
  csat_template_language: string | null;
  csat_question: string | null;
  updated_at: number;
}

/** An SLA breach: a target a conversation's cycle missed. */
export interface SlaBreachTable {
  id: string;
  conversation_id: string;
  phone_number_id: string;
  cycle: number;
  kind: 'first_response' | 'resolution';
  target_ms: number;
  /** When the target was due (clock start + target). */
  due_at: number;
  assignee_user_id: string | null;
  team_id: string | null;
  created_at: number;
}

export type AnalyticsConversationRow = Selectable<AnalyticsConversationTable>;
export type AnalyticsRollupRow = Selectable<AnalyticsRollupTable>;
export type AnalyticsNumberSettingsRow = Selectable<AnalyticsNumberSettingsTable>;
export type SlaBreachRow = Selectable<SlaBreachTable>;

export interface AnalyticsTables {
  analytics_conversations: AnalyticsConversationTable;
  analytics_rollups: AnalyticsRollupTable;
  /** {@link AnalyticsRollupTable} by UTC day: the whole days inside a report's range. */
  analytics_rollups_daily: AnalyticsRollupTable;
  analytics_rollups_number_daily: AnalyticsNumberDailyTable;
  analytics_series: AnalyticsSeriesTable;
  analytics_number_settings: AnalyticsNumberSettingsTable;
  analytics_priced_messages: AnalyticsPricedMessageTable;
  sla_breaches: SlaBreachTable;
}
