import type { Edge, Node } from '@xyflow/react';
import type { FlowDefinition, FlowStep } from './automation.api.ts';

/** A flow's steps as the editor's graph: one node per step, one edge per `next`/branch target. */

export function stepSummary(step: FlowStep): string {
  switch (step.type) {
    case 'message':
    case 'ask': {
      const content = (step.type === 'ask' ? step.prompt : step.content) as {
        type: string;
        text?: { body?: string };
        interactive?: { body?: { text?: string } };
      };
      const body = content.text?.body ?? content.interactive?.body?.text ?? `[${content.type}]`;
      return step.type === 'ask' ? `${body} → ${step.attribute} (${step.validation})` : body;
    }
    case 'branch':
      return `on ${step.source}${step.attribute ? ` ${step.attribute}` : ''}: ${step.cases.map((c) => `${c.op} ${c.value}`).join(', ')}`;
    case 'faq':
      return `FAQ for ${step.query === 'text' ? `“${step.text ?? ''}”` : `the ${step.query}`}`;
    case 'http':
      return `${step.method} ${step.url}`;
    case 'ai':
      return 'AI reply';
    case 'handoff':
      return `hand off${step.team_id ? ' to a team' : ''}`;
    case 'end':
      return 'end';
  }
}

function targets(step: FlowStep): { key: string; label: string; to: string | null | undefined }[] {
  switch (step.type) {
    case 'message':
      return [{ key: 'next', label: '', to: step.next }];
    case 'ask':
      return [
        { key: 'next', label: '', to: step.next },
        { key: 'on_invalid', label: 'invalid', to: step.on_invalid },
      ];
    case 'branch':
      return [
        ...step.cases.map((c, i) => ({ key: `case${i}`, label: c.value || c.op, to: c.next })),
        { key: 'default', label: 'else', to: step.default },
      ];
    case 'faq':
      return [
        { key: 'found', label: 'found', to: step.found },
        { key: 'not_found', label: 'not found', to: step.not_found },
      ];
    case 'http':
    case 'ai':
      return [
        { key: 'next', label: 'ok', to: step.next },
        { key: 'on_error', label: 'error', to: step.on_error },
      ];
    default:
      return [];
  }
}

export type StepNodeData = { step: FlowStep; start: boolean };

export function toGraph(definition: FlowDefinition): { nodes: Node<StepNodeData>[]; edges: Edge[] } {
  const nodes = definition.steps.map((step, i) => ({
    id: step.id,
    type: 'step',
    position: step.position ?? { x: (i % 3) * 280, y: Math.floor(i / 3) * 160 },
    data: { step, start: step.id === definition.start },
  }));
  const edges = definition.steps.flatMap((step) =>
    targets(step)
      .filter((t) => t.to)
      .map((t) => ({
        id: `${step.id}:${t.key}`,
        source: step.id,
        target: t.to as string,
        label: t.label || undefined,
        data: { key: t.key },
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

export const NEW_STEPS: Record<string, (id: string) => FlowStep> = {
  message: (id) => ({ id, type: 'message', content: { type: 'text', text: { body: 'Hello!' } } }) as FlowStep,
  ask: (id) =>
    ({
      id,
      type: 'ask',
      prompt: { type: 'text', text: { body: 'What is your name?' } },
      attribute: 'name',
      validation: 'text',
      retry_prompt: "Sorry, I didn't get that. Please try again.",
      max_retries: 2,
    }) as FlowStep,
  branch: (id) =>
    ({
      id,
      type: 'branch',
      source: 'answer',
      cases: [{ op: 'equals', value: 'yes', next: null }],
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
  handoff: (id) => ({ id, type: 'handoff', message: '', note: 'Handed off by the bot.' }) as FlowStep,
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
