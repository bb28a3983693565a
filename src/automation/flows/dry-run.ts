import type { AppDeps } from '../../app-deps.ts';
import { runAiStep } from '../ai/ai-step.ts';
import { findKbAnswer } from '../knowledge/knowledge.repository.ts';
import { parseDefinition } from './flow-actions.ts';
import {
  advance,
  emptyState,
  type FlowEffect,
  type FlowInput,
  type FlowServices,
  type SessionPosition,
} from './interpreter.ts';

/**
 * The editor's test panel: runs a definition (saved or not) with the same interpreter as live
 * conversations, but nothing is sent, saved or routed; the effects are returned for the panel to
 * show. The knowledge base is searched and the AI step asks the number's endpoint (when on) as
 * live; an HTTP step is not called (it could change something outside) and takes its success
 * branch with nothing mapped.
 */
export async function dryRun(
  deps: Pick<AppDeps, 'database' | 'config'>,
  input: {
    definition: unknown;
    phoneNumberId: string | null;
    position: SessionPosition | null;
    input: { kind: 'start' } | { kind: 'message'; text: string; reply_id?: string | null | undefined };
    contact: { name: string | null; attributes: Record<string, unknown> };
  },
): Promise<{ effects: FlowEffect[]; position: SessionPosition }> {
  const definition = parseDefinition(input.definition);
  const db = deps.database.db;
  const services: FlowServices = {
    async faq(query) {
      if (!input.phoneNumberId) return null;
      const row = await findKbAnswer(db, { phoneNumberId: input.phoneNumberId, query });
      return row ? { id: row.id, question: row.question, answer: row.answer } : null;
    },
  };
  const contact = { name: input.contact.name, phone: null, attributes: input.contact.attributes };
  let position: SessionPosition = input.position ?? {
    stepId: null,
    waiting: null,
    retries: 0,
    status: 'active',
    state: emptyState(),
  };
  let next: FlowInput =
    input.input.kind === 'start'
      ? { kind: 'start' }
      : { kind: 'message', text: input.input.text, replyId: input.input.reply_id ?? null };
  const effects: FlowEffect[] = [];
  for (let turns = 0; turns < 10; turns++) {
    const result = await advance(definition, position, next, contact, services);
    effects.push(...result.effects);
    position = result.position;
    if (position.waiting !== 'call' || !position.stepId) break;
    const step = definition.steps.find((s) => s.id === position.stepId);
    if (step?.type === 'ai') {
      const reply = input.phoneNumberId
        ? await runAiStep(deps, {
            phoneNumberId: input.phoneNumberId,
            conversationId: null,
            step,
            question: position.state.message ?? '',
            history: position.state.message ? [{ role: 'user', content: position.state.message }] : [],
          })
        : ({ ok: false, error: 'no number chosen for AI settings' } as const);
      next = reply.ok
        ? { kind: 'call_result', ok: true, reply: reply.reply }
        : { kind: 'call_result', ok: false, error: reply.error };
    } else {
      effects.push({
        kind: 'log',
        stepId: position.stepId,
        text: 'HTTP request not made in a test; continuing as if it succeeded',
      });
      next = { kind: 'call_result', ok: true, values: {} };
    }
  }
  return { effects, position };
}
