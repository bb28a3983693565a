import { afterEach, describe, expect, it } from 'vitest';
import { RUN_REASON_CODES, SEND_REFUSALS, STEP_CODES } from '../../../../src/automation/rule-run-codes.ts';
import { ROUTE_WHY_CODES } from '../../../../src/routing/route-why.ts';
import { i18n } from '../../i18n/index.ts';
import type { ApiRuleRun } from './rules.api.ts';
import { reasonText, stepText } from './run-text.ts';

const LANGUAGES = ['en', 'es', 'pt-BR'] as const;

const run = (over: Partial<ApiRuleRun>): ApiRuleRun => ({
  id: 1,
  rule_id: 'r1',
  conversation_id: 'c1',
  phone_number_id: 'pn',
  trigger: 'customer_message',
  outcome: 'done',
  reason: null,
  reason_code: null,
  reason_params: null,
  steps: [],
  created_at: '2026-12-01T20:47:00.000Z',
  ...over,
});

describe("a rule's run log in the user's language", () => {
  afterEach(async () => {
    await i18n.changeLanguage('en');
  });

  it.each(LANGUAGES)('%s has a text for every code the hub logs', (language) => {
    const has = (key: string) => i18n.exists(key, { lng: language, fallbackLng: false });
    const missing = [
      ...STEP_CODES.map((c) => `automation:runs.steps.${c}`),
      ...RUN_REASON_CODES.map((c) => `automation:runs.reasons.${c}`),
      ...SEND_REFUSALS.map((c) => `automation:runs.refusals.${c}`),
      ...ROUTE_WHY_CODES.map((c) => `automation:runs.route.${c}`),
    ].filter((key) => !has(key));
    expect(missing).toEqual([]);
  });

  it('says each line from its code and values, with names from the pickers, not the English detail', async () => {
    await i18n.changeLanguage('es');
    const t = i18n.getFixedT('es', 'automation');
    const names = { agents: new Map([['u1', 'Ana']]), labels: new Map([['l1', 'Ventas']]) };
    const step = (code: string, params: Record<string, string> | undefined, detail = 'English') =>
      stepText(
        t,
        { action: 'send', ok: true, detail, code: code as never, ...(params ? { params } : {}) },
        names,
      );
    expect(step('queued', { message_id: 'm1' })).toBe('mensaje en cola');
    expect(step('refused', { reason: 'keep_with_humans' }, 'keep_with_humans: Automation may not…')).toBe(
      'no enviado: se queda con las personas hasta que la devuelvan o se resuelva',
    );
    // A send policy's refusal is said by the error catalogue.
    expect(step('refused', { reason: 'MESSAGE_WINDOW_CLOSED' }, 'MESSAGE_WINDOW_CLOSED: closed')).toBe(
      `no enviado: ${i18n.t('errors:MESSAGE_WINDOW_CLOSED', { lng: 'es' })}`,
    );
    expect(step('assigned', { user_id: 'u1', route: 'least_loaded', open: '1', capacity: '4' })).toBe(
      'asignada a Ana (el agente elegible menos cargado, 1 de 4 abiertas)',
    );
    expect(step('labelled', { label_id: 'l1' })).toBe('etiquetada «Ventas»');
    expect(step('handed_off_queued', { route: 'no_agents' })).toBe(
      'la tienen las personas, esperando a un agente (no hay agentes para esta política; en cola)',
    );
    // A line logged before codes, or with a code this app does not know, shows the hub's English.
    expect(stepText(t, { action: 'send', ok: true, detail: 'queued message m1' })).toBe('queued message m1');
    expect(step('some_future_code', undefined, 'what the hub said')).toBe('what the hub said');
  });

  it("says why a run did nothing with the condition's and action's own names", async () => {
    const t = i18n.getFixedT('pt-BR', 'automation');
    expect(
      reasonText(
        t,
        run({
          outcome: 'skipped',
          reason: 'condition 2 (vip) not met',
          reason_code: 'condition_not_met',
          reason_params: { index: '2', condition: 'vip' },
        }),
      ),
    ).toBe('A condição 2 (VIP) não foi atendida');
    expect(
      reasonText(
        t,
        run({
          outcome: 'failed',
          reason: 'action label failed',
          reason_code: 'action_failed',
          reason_params: { action: 'label' },
        }),
      ),
    ).toBe(`A ação “${i18n.t('automation:parts.actions.label', { lng: 'pt-BR' })}” falhou`);
    expect(reasonText(t, run({ reason: 'an older reason', reason_code: null }))).toBe('an older reason');
    expect(reasonText(t, run({}))).toBeNull();
  });
});
