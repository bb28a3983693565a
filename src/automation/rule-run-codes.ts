/**
 * The stable codes of a rule run's log (`automation_runs`), beside the English texts it keeps, so a
 * reader (the web app's run log) can say them in the user's language. Dependency-free, so the web
 * app's tests can check that every code has a text in every language.
 */

/**
 * The stable codes of a run log's lines, beside their English `detail` (the web app says them in the
 * user's language with the step's `params`):
 * - `queued`, `queued_template` (`message_id`), `flow_answered`, `refused` (`reason`: `human_control`,
 *   `keep_with_humans`, `vip`, `loop_breaker`, `no_conversation` or the send policy's error code);
 * - `assigned` (`user_id`; by routing also `route`, its code and values), `not_assigned` (`route`),
 *   `vip_left_to_owner`, `agent_inactive`;
 * - `labelled` (`label_id`), `already_labelled`, `label_unknown`, `resolved`, `snoozed` (`until`, ISO),
 *   `queued_job`;
 * - `flow_started` (`run_id`), `flow_not_started`, `flows_not_loaded`, `vip_no_bot`;
 * - `handed_off`, `handed_off_assigned` (`user_id`, `route`…), `handed_off_queued` (`route`…);
 * - `failed` (`error`, the error's message).
 */
export const STEP_CODES = [
  'queued',
  'queued_template',
  'flow_answered',
  'refused',
  'assigned',
  'not_assigned',
  'vip_left_to_owner',
  'agent_inactive',
  'labelled',
  'already_labelled',
  'label_unknown',
  'resolved',
  'snoozed',
  'queued_job',
  'flow_started',
  'flow_not_started',
  'flows_not_loaded',
  'vip_no_bot',
  'handed_off',
  'handed_off_assigned',
  'handed_off_queued',
  'failed',
] as const;
export type StepCode = (typeof STEP_CODES)[number];

/**
 * Why a run did nothing, as a stable code (`condition_not_met` with `index` and `condition`,
 * `no_action`, `action_failed` with `action`) beside the English reason the run log keeps.
 */
export const RUN_REASON_CODES = ['condition_not_met', 'no_action', 'action_failed'] as const;
export type RunReasonCode = (typeof RUN_REASON_CODES)[number];

/**
 * Why automation may not send, as `sendAutomated` says it (a `refused` step's `reason`); any other
 * reason there is an error code of the send policy (`platform/errors.ts`).
 */
export const SEND_REFUSALS = [
  'human_control',
  'keep_with_humans',
  'vip',
  'loop_breaker',
  'no_conversation',
] as const;
