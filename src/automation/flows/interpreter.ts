import type { ContentInput } from '../../outbound/message-content.ts';
import {
  type AskStep,
  choicesOf,
  type FlowDefinition,
  type FlowStep,
  type HandoffStep,
} from './flow-definition.ts';
import { fold, validChoice, validDate, validEmail, validNumber, validPhone } from './validation.ts';

/**
 * The flow interpreter: pure, shared by the live runner (`runner.ts`, which applies the effects in
 * the conversation's transaction) and the test panel (`dry-run.ts`, which only shows them). It
 * walks steps from where the session stands until the flow must wait: for the customer's answer
 * (an ask step), for an outside call (HTTP or AI: the runner makes it outside any transaction and
 * feeds the result back), or until it ends.
 */

/** What the interpreter keeps between messages (the session's `state_json`). */
export type FlowState = {
  /** Answers saved by ask steps, attribute → value, in the order given (the handoff note lists them). */
  answers: Record<string, string>;
  /** The last valid answer. */
  answer: string | null;
  /** The customer's last message text. */
  message: string | null;
  /** Values an HTTP step mapped to `vars.*`. */
  vars: Record<string, unknown>;
};

export type SessionPosition = {
  stepId: string | null;
  waiting: 'answer' | 'call' | null;
  retries: number;
  status: 'active' | 'completed' | 'handed_off' | 'cancelled';
  state: FlowState;
};

/** The contact as placeholders and conditions see it. */
export type FlowContact = {
  name: string | null;
  phone: string | null;
  attributes: Record<string, unknown>;
};

export type FlowInput =
  | { kind: 'start' }
  | { kind: 'message'; text: string; replyId: string | null }
  | { kind: 'call_result'; ok: true; reply?: string; values?: Record<string, unknown> }
  | { kind: 'call_result'; ok: false; error: string };

export type FaqHit = { id: string; question: string; answer: string };

export type FlowEffect =
  | { kind: 'send'; content: ContentInput; stepId: string }
  | { kind: 'set_attributes'; attributes: Record<string, unknown>; stepId: string }
  | { kind: 'handoff'; step: HandoffStep; note: string; stepId: string }
  /** An HTTP or AI step to run outside the transaction; its result comes back as `call_result`. */
  | { kind: 'call'; stepId: string }
  | { kind: 'log'; stepId: string; text: string };

export type FlowServices = {
  /** The best knowledge-base entry for a question, or null. */
  faq(query: string): Promise<FaqHit | null>;
};

/** Steps walked per input at most: a loop of steps that never waits ends the flow. */
export const MAX_STEPS_PER_TURN = 50;

export function emptyState(): FlowState {
  return { answers: {}, answer: null, message: null, vars: {} };
}

function lookup(path: string, scope: Record<string, unknown>): unknown {
  let value: unknown = scope;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Replaces `{{path}}` placeholders (answer, attributes.x, contact.name, contact.phone, vars.x). */
export function renderText(text: string, state: FlowState, contact: FlowContact): string {
  const scope = {
    answer: state.answer ?? '',
    message: state.message ?? '',
    attributes: { ...contact.attributes, ...state.answers },
    contact: { name: contact.name ?? '', phone: contact.phone ?? '' },
    vars: state.vars,
  };
  return text.replace(/\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g, (_, path: string) => {
    const value = lookup(path, scope);
    if (value === undefined || value === null) return '';
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  });
}

/** The same rendering over every string of a JSON value (message content, an HTTP body). */
export function renderDeep<T>(value: T, state: FlowState, contact: FlowContact): T {
  if (typeof value === 'string') return renderText(value, state, contact) as T;
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, state, contact)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, renderDeep(v, state, contact)]),
    ) as T;
  }
  return value;
}

/** The options of a choice question: each button or row (value = its id), or the listed choices. */
function optionsOf(step: AskStep): { value: string; labels: string[] }[] {
  if (step.choices && step.choices.length > 0) return step.choices.map((c) => ({ value: c, labels: [] }));
  const prompt = step.prompt;
  if (prompt.type === 'interactive') {
    const interactive = prompt.interactive as {
      type: string;
      action: {
        buttons?: { reply: { id: string; title: string } }[];
        sections?: { rows: { id: string; title: string }[] }[];
      };
    };
    if (interactive.type === 'button') {
      return (interactive.action.buttons ?? []).map((b) => ({ value: b.reply.id, labels: [b.reply.title] }));
    }
    return (interactive.action.sections ?? []).flatMap((s) =>
      s.rows.map((r) => ({ value: r.id, labels: [r.title] })),
    );
  }
  return choicesOf(step).map((c) => ({ value: c, labels: [] }));
}

/** The value to save for an answer, or null when it does not pass the step's validation. */
export function validateAnswer(
  step: AskStep,
  answer: { text: string; replyId: string | null },
): string | null {
  switch (step.validation) {
    case 'text': {
      const t = answer.text.trim();
      return t.length > 0 && t.length <= 1000 ? t : null;
    }
    case 'number':
      return validNumber(answer.text);
    case 'email':
      return validEmail(answer.text);
    case 'phone':
      return validPhone(answer.text);
    case 'date':
      return validDate(answer.text);
    case 'choice':
      return validChoice(answer, optionsOf(step));
  }
}

function matches(op: string, subject: unknown, value: string): boolean {
  const text = subject === undefined || subject === null ? '' : String(subject);
  switch (op) {
    case 'exists':
      return text.length > 0;
    case 'equals':
      return fold(text) === fold(value);
    case 'contains':
      // Any of the comma-separated keywords, as whole words or phrases.
      return value
        .split(',')
        .map(fold)
        .filter((k) => k.length > 0)
        .some((k) => ` ${fold(text).replace(/[^\p{L}\p{N}]+/gu, ' ')} `.includes(` ${k} `));
    case 'matches':
      try {
        return new RegExp(value, 'iu').test(text);
      } catch {
        return false;
      }
    case 'gt':
    case 'lt': {
      const a = Number(text.replace(',', '.'));
      const b = Number(value.replace(',', '.'));
      if (Number.isNaN(a) || Number.isNaN(b) || text.trim() === '') return false;
      return op === 'gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** The handoff note: the step's first line, then every answer collected. */
export function handoffNote(step: HandoffStep, state: FlowState): string {
  const lines = Object.entries(state.answers).map(([k, v]) => `- ${k}: ${v}`);
  return lines.length > 0 ? `${step.note}\nAnswers collected:\n${lines.join('\n')}` : step.note;
}

function promptText(content: ContentInput): ContentInput {
  return content;
}

/**
 * Runs a session forward from `position` with one input, returning the effects to apply in order
 * and the new position. Never throws for a valid definition.
 */
export async function advance(
  definition: FlowDefinition,
  position: SessionPosition,
  input: FlowInput,
  contact: FlowContact,
  services: FlowServices,
): Promise<{ effects: FlowEffect[]; position: SessionPosition }> {
  const steps = new Map(definition.steps.map((s) => [s.id, s]));
  const effects: FlowEffect[] = [];
  const state: FlowState = {
    ...position.state,
    answers: { ...position.state.answers },
    vars: { ...position.state.vars },
  };
  let retries = position.retries;
  let current: string | null | undefined;

  const done = (status: SessionPosition['status']) => ({
    effects,
    position: { stepId: null, waiting: null, retries: 0, status, state },
  });

  // Where this input takes the session before walking on.
  if (input.kind === 'start') {
    current = definition.start;
  } else if (position.status !== 'active' || !position.stepId) {
    return { effects, position };
  } else {
    const at = steps.get(position.stepId);
    if (!at) return done('cancelled');
    if (input.kind === 'message') {
      state.message = input.text;
      if (at.type !== 'ask' || position.waiting !== 'answer')
        return { effects, position: { ...position, state } };
      const value = validateAnswer(at, input);
      if (value === null) {
        if (retries < at.max_retries) {
          retries += 1;
          effects.push({
            kind: 'send',
            content: { type: 'text', text: { body: renderText(at.retry_prompt, state, contact) } },
            stepId: at.id,
          });
          effects.push({
            kind: 'send',
            content: renderDeep(promptText(at.prompt), state, contact),
            stepId: at.id,
          });
          return {
            effects,
            position: { stepId: at.id, waiting: 'answer', retries, status: 'active', state },
          };
        }
        effects.push({ kind: 'log', stepId: at.id, text: `no valid answer after ${retries + 1} tries` });
        retries = 0;
        current = at.on_invalid;
      } else {
        retries = 0;
        state.answer = value;
        state.answers[at.attribute] = value;
        effects.push({ kind: 'set_attributes', attributes: { [at.attribute]: value }, stepId: at.id });
        current = at.next;
      }
    } else {
      // A call's result: only for the HTTP or AI step the session waits on.
      if (position.waiting !== 'call' || (at.type !== 'http' && at.type !== 'ai'))
        return { effects, position };
      if (!input.ok) {
        effects.push({ kind: 'log', stepId: at.id, text: `call failed: ${input.error}` });
        current = at.on_error;
      } else {
        if (at.type === 'ai' && input.reply) {
          effects.push({
            kind: 'send',
            content: { type: 'text', text: { body: input.reply.slice(0, 4096) } },
            stepId: at.id,
          });
        }
        if (input.values) {
          const attributes: Record<string, unknown> = {};
          for (const [key, value] of Object.entries(input.values)) {
            if (key.startsWith('vars.')) state.vars[key.slice(5)] = value;
            else {
              attributes[key] = value;
              state.answers[key] = value === null || value === undefined ? '' : String(value);
            }
          }
          if (Object.keys(attributes).length > 0)
            effects.push({ kind: 'set_attributes', attributes, stepId: at.id });
        }
        current = at.next;
      }
    }
  }

  for (let walked = 0; walked < MAX_STEPS_PER_TURN; walked++) {
    if (!current) return done('completed');
    const step: FlowStep | undefined = steps.get(current);
    if (!step) return done('cancelled');
    switch (step.type) {
      case 'message':
        effects.push({ kind: 'send', content: renderDeep(step.content, state, contact), stepId: step.id });
        current = step.next;
        break;
      case 'ask':
        effects.push({ kind: 'send', content: renderDeep(step.prompt, state, contact), stepId: step.id });
        return {
          effects,
          position: { stepId: step.id, waiting: 'answer', retries: 0, status: 'active', state },
        };
      case 'branch': {
        const subject =
          step.source === 'answer'
            ? state.answer
            : step.source === 'message'
              ? state.message
              : (state.answers[step.attribute ?? ''] ?? contact.attributes[step.attribute ?? '']);
        const hit = step.cases.find((c) => matches(c.op, subject, c.value));
        current = hit ? hit.next : step.default;
        break;
      }
      case 'faq': {
        const query =
          step.query === 'text'
            ? renderText(step.text ?? '', state, contact)
            : step.query === 'answer'
              ? (state.answer ?? '')
              : (state.message ?? '');
        const found = query.trim() ? await services.faq(query) : null;
        if (found) {
          const body = step.prefix
            ? `${renderText(step.prefix, state, contact)}\n\n${found.answer}`
            : found.answer;
          effects.push({ kind: 'send', content: { type: 'text', text: { body } }, stepId: step.id });
          current = step.found;
        } else {
          effects.push({
            kind: 'log',
            stepId: step.id,
            text: `no knowledge base entry for "${query.slice(0, 80)}"`,
          });
          current = step.not_found;
        }
        break;
      }
      case 'http':
      case 'ai':
        effects.push({ kind: 'call', stepId: step.id });
        return {
          effects,
          position: { stepId: step.id, waiting: 'call', retries: 0, status: 'active', state },
        };
      case 'handoff':
        if (step.message) {
          effects.push({
            kind: 'send',
            content: { type: 'text', text: { body: renderText(step.message, state, contact) } },
            stepId: step.id,
          });
        }
        effects.push({
          kind: 'handoff',
          step,
          note: renderText(handoffNote(step, state), state, contact),
          stepId: step.id,
        });
        return done('handed_off');
      case 'end':
        return done('completed');
    }
  }
  effects.push({
    kind: 'log',
    stepId: current ?? '',
    text: `stopped after ${MAX_STEPS_PER_TURN} steps without waiting`,
  });
  return done('cancelled');
}
