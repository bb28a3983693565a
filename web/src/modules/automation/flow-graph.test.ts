import { describe, expect, it } from 'vitest';
import { i18n } from '../../i18n/index.ts';
import type { FlowDefinition } from './automation.api.ts';
import { NEW_STEPS, stepSummary, toGraph } from './flow-graph.ts';

/** The flow editor's graph says its steps, exits and a new step's first texts in the user's language. */
describe("the flow editor's graph in the user's language", () => {
  const es = i18n.getFixedT('es', 'automation');

  it('summarises steps and labels exits in Spanish', () => {
    const definition = {
      start: 'ask_1',
      steps: [
        NEW_STEPS.ask?.('ask_1', es),
        { ...NEW_STEPS.branch?.('branch_1', es), default: 'faq_1' },
        { ...NEW_STEPS.faq?.('faq_1', es), found: 'end_1', not_found: 'end_1' },
        NEW_STEPS.end?.('end_1', es),
      ],
    } as FlowDefinition;
    const [ask, branch, faq, end] = definition.steps;
    expect(stepSummary(ask as never, es)).toBe('¿Cómo te llamas? → name (cualquier texto)');
    expect(stepSummary(branch as never, es)).toBe('Según la última respuesta: es igual a sí');
    expect(stepSummary(faq as never, es)).toMatch(/^Preguntas frecuentes para /);
    expect(stepSummary(end as never, es)).toBe('fin');
    const labels = toGraph(definition, es).edges.map((e) => e.label);
    expect(labels).toEqual(['si no', 'encontrada', 'no encontrada']);
  });

  it('starts a new step with texts in the language, which the customer reads', () => {
    const pt = i18n.getFixedT('pt-BR', 'automation');
    expect(NEW_STEPS.message?.('m', pt)).toMatchObject({ content: { text: { body: 'Olá!' } } });
    expect(NEW_STEPS.ask?.('a', pt)).toMatchObject({ retry_prompt: 'Desculpe, não entendi. Tente de novo.' });
  });
});
