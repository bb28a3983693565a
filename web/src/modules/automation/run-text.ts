import { SEND_REFUSALS, STEP_CODES } from '../../../../src/automation/rule-run-codes.ts';
import { formatDateTime } from '../../shared/format.ts';
import type { ApiRuleRun } from './rules.api.ts';

/**
 * A rule run's log in the user's language: the run's reason and each action's line are said from
 * their stable codes and values (`src/automation/rule-run-codes.ts`), with the English text the hub
 * logged as the fallback (runs logged before codes, a code this app does not know yet). Names of
 * agents and labels come from the pickers' choices when known.
 */

type Translate = (key: string, options?: Record<string, unknown>) => string;

/** Names by id (agents, labels), for what a run's values name. */
export type RunNames = { agents?: Map<string, string>; labels?: Map<string, string> };

type Step = ApiRuleRun['steps'][number];

const isKnown = <T extends string>(list: readonly T[], value: string | undefined): value is T =>
  value !== undefined && (list as readonly string[]).includes(value);

/** A trigger, condition or action type by its editor's name (the type itself when unknown). */
export function partName(t: Translate, kind: 'triggers' | 'conditions' | 'actions', type: string): string {
  return t(`automation:parts.${kind}.${type}`, { defaultValue: type });
}

/** Why a send was refused: automation's own reasons, or the send policy's error code. */
function refusalText(t: Translate, reason: string, fallback: string): string {
  if (isKnown(SEND_REFUSALS, reason)) return t(`automation:runs.refusals.${reason}`);
  return t(`errors:${reason}`, { defaultValue: fallback });
}

/** The routing decision of a step, when it has one (`route` and its values). */
function routeText(t: Translate, params: Record<string, string>): string | null {
  if (!params.route) return null;
  return t(`automation:runs.route.${params.route}`, { ...params, defaultValue: params.route });
}

/** One action's line: what it did, or why not. */
export function stepText(t: Translate, step: Step, names: RunNames = {}): string {
  const code = step.code;
  if (!isKnown(STEP_CODES, code)) return step.detail;
  const params: Record<string, string> = { ...(step.params ?? {}) };
  const values: Record<string, string> = {
    ...params,
    agent: params.user_id ? (names.agents?.get(params.user_id) ?? params.user_id) : '',
    label: params.label_id ? (names.labels?.get(params.label_id) ?? params.label_id) : '',
    until: params.until ? formatDateTime(params.until) : '',
  };
  if (code === 'refused') {
    const detail = step.detail.slice(step.detail.indexOf(': ') + 2) || step.detail;
    values.why = refusalText(t, params.reason ?? '', detail);
  }
  const text = t(`automation:runs.steps.${code}`, { ...values, defaultValue: step.detail });
  const route = routeText(t, params);
  return route ? t('automation:runs.withRoute', { text, route }) : text;
}

/** Why a run did nothing, or failed (null when it did something). */
export function reasonText(t: Translate, run: ApiRuleRun): string | null {
  if (!run.reason) return null;
  const params = run.reason_params ?? {};
  switch (run.reason_code) {
    case 'condition_not_met':
      return t('automation:runs.reasons.condition_not_met', {
        index: params.index,
        condition: partName(t, 'conditions', params.condition ?? ''),
      });
    case 'no_action':
      return t('automation:runs.reasons.no_action');
    case 'action_failed':
      return t('automation:runs.reasons.action_failed', {
        action: partName(t, 'actions', params.action ?? ''),
      });
    default:
      return run.reason;
  }
}
