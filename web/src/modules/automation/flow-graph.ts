import type { Edge, Node } from '@xyflow/react';
import type { FlowDefinition, FlowStep } from './automation.api.ts';

/**
 * A flow's steps as the editor's graph: one node per step, one edge per `next`/branch target. What
 * the graph says (a step's summary, an exit's label, a new step's first texts) is in the user's
 * language (`t`, the automation catalogue).
 */

type Translate = (key: string, options?: Record<string, unknown>) => string;

/** What a branch looks at, as its summary says it. */
function branchSource(step: Extract<FlowStep, { type: 'branch' }>, t: Translate): string {
  if (step.source === 'attribute') return step.attribute ?? t('automation:step.contactAttribute');
  return t(step.source === 'message' ? 'automation:step.lastMessage' : 'automation:step.lastAnswer');
}

export function stepSummary(step: FlowStep, t: Translate): string {
  switch (step.type) {
    case 'message':
    case 'ask': {
      const content = (step.type === 'ask' ? step.prompt : step.content) as {
        type: string;
        text?: { body?: string };
        interactive?: { body?: { text?: string } };
      };
      const body = content.text?.body ?? content.interactive?.body?.text ?? `[${content.type}]`;
      return step.type === 'ask'
        ? t('automation:graph.ask', {
            body,
            attribute: step.attribute,
            validation: t(`automation:step.validations.${step.validation}`, {
              defaultValue: step.validation,
            }),
          })
        : body;
    }
    case 'branch':
      return t('automation:graph.branch', {
        source: branchSource(step, t),
        cases: step.cases
          .map((c) => `${t(`automation:step.ops.${c.op}`, { defaultValue: c.op })} ${c.value ?? ''}`.trim())
          .join(', '),
      });
    case 'faq':
      return step.query === 'text'
        ? t('automation:graph.faqText', { text: step.text ?? '' })
        : t('automation:graph.faq', {
            what: t(
              step.query === 'answer' ? 'automation:step.lastAnswer' : 'automation:step.customerLastMessage',
            ),
          });
    case 'http':
      return `${step.method} ${step.url}`;
    case 'ai':
      return t('automation:graph.ai');
    case 'handoff':
      return t(step.team_id ? 'automation:graph.handoffTeam' : 'automation:graph.handoff');
    case 'end':
      return t('automation:graph.end');
  }
}

function targets(
  step: FlowStep,
  t: Translate,
): { key: string; label: string; to: string | null | undefined }[] {
  switch (step.type) {
    case 'message':
      return [{ key: 'next', label: '', to: step.next }];
    case 'ask':
      return [
        { key: 'next', label: '', to: step.next },
        { key: 'on_invalid', label: t('automation:graph.exits.invalid'), to: step.on_invalid },
      ];
    case 'branch':
      return [
        ...step.cases.map((c, i) => ({ key: `case${i}`, label: c.value || c.op, to: c.next })),
        { key: 'default', label: t('automation:graph.exits.else'), to: step.default },
      ];
    case 'faq':
      return [
        { key: 'found', label: t('automation:graph.exits.found'), to: step.found },
        { key: 'not_found', label: t('automation:graph.exits.notFound'), to: step.not_found },
      ];
    case 'http':
    case 'ai':
      return [
        { key: 'next', label: t('automation:graph.exits.ok'), to: step.next },
        { key: 'on_error', label: t('automation:graph.exits.error'), to: step.on_error },
      ];
    default:
      return [];
  }
}

export type StepNodeData = { step: FlowStep; start: boolean };

export function toGraph(
  definition: FlowDefinition,
  t: Translate,
): { nodes: Node<StepNodeData>[]; edges: Edge[] } {
  const nodes = definition.steps.map((step, i) => ({
    id: step.id,
    type: 'step',
    position: step.position ?? { x: (i % 3) * 280, y: Math.floor(i / 3) * 160 },
    data: { step, start: step.id === definition.start },
  }));
  const edges = definition.steps.flatMap((step) =>
    targets(step, t)
      .filter((exit) => exit.to)
      .map((exit) => ({
        id: `${step.id}:${exit.key}`,
        source: step.id,
        target: exit.to as string,
        label: exit.label || undefined,
        data: { key: exit.key },
      })),
  );
  return { nodes, edges };
}

/** Connects `source`'s first free exit (or its `next`) to `target`, returning the new definition. */
export function connect(definition: FlowDefinition, source: string, target: string): FlowDefinition {
  const steps = definition.steps.map((step) => {
    if (step.id !== source) return step;
    const s = structuredClone(step) as FlowStep & Record<string, unknown>;
    switch (s.type) {
      case 'message':
      case 'ask':
      case 'http':
      case 'ai':
        s.next = target;
        break;
      case 'faq':
        if (!s.found) s.found = target;
        else s.not_found = target;
        break;
      case 'branch':
        s.default = target;
        break;
    }
    return s as FlowStep;
  });
  return { ...definition, steps };
}

/** Removes the edge `source:key`. */
export function disconnect(definition: FlowDefinition, edgeId: string): FlowDefinition {
  const [source, key] = edgeId.split(':');
  const steps = definition.steps.map((step) => {
    if (step.id !== source) return step;
    const s = structuredClone(step) as FlowStep & Record<string, unknown>;
    if (key?.startsWith('case') && s.type === 'branch') {
      const i = Number(key.slice(4));
      if (s.cases[i]) s.cases[i].next = null;
    } else if (key) {
      s[key] = null;
    }
    return s as FlowStep;
  });
  return { ...definition, steps };
}

/** A new step of each type, its first texts in the user's language (the customer reads them). */
export const NEW_STEPS: Record<string, (id: string, t: Translate) => FlowStep> = {
  message: (id, t) =>
    ({
      id,
      type: 'message',
      content: { type: 'text', text: { body: t('automation:graph.new.hello') } },
    }) as FlowStep,
  ask: (id, t) =>
    ({
      id,
      type: 'ask',
      prompt: { type: 'text', text: { body: t('automation:graph.new.askName') } },
      attribute: 'name',
      validation: 'text',
      retry_prompt: t('automation:graph.new.retry'),
      max_retries: 2,
    }) as FlowStep,
  branch: (id, t) =>
    ({
      id,
      type: 'branch',
      source: 'answer',
      cases: [{ op: 'equals', value: t('automation:graph.new.yes'), next: null }],
    }) as FlowStep,
  faq: (id) => ({ id, type: 'faq', query: 'message', prefix: '' }) as FlowStep,
  http: (id) =>
    ({
      id,
      type: 'http',
      method: 'POST',
      url: 'https://example.com/hook',
      timeout_ms: 5000,
      map: {},
    }) as FlowStep,
  ai: (id) => ({ id, type: 'ai', instructions: '' }) as FlowStep,
  handoff: (id, t) =>
    ({ id, type: 'handoff', message: '', note: t('automation:graph.new.handedOff') }) as FlowStep,
  end: (id) => ({ id, type: 'end' }) as FlowStep,
};

/** Renames a step, and every exit and the start that named it. */
export function renameStep(definition: FlowDefinition, from: string, to: string): FlowDefinition {
  const swap = (id: string | null | undefined) => (id === from ? to : id);
  const steps = definition.steps.map((step) => {
    const s = structuredClone(step) as FlowStep & Record<string, unknown>;
    if (s.id === from) s.id = to;
    for (const key of ['next', 'on_invalid', 'default', 'found', 'not_found', 'on_error']) {
      if (key in s) s[key] = swap(s[key] as string | null | undefined);
    }
    if (s.type === 'branch') s.cases = s.cases.map((c) => ({ ...c, next: swap(c.next) }));
    return s as FlowStep;
  });
  return { start: swap(definition.start) as string, steps };
}
