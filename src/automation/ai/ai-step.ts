import type { AppDeps } from '../../app-deps.ts';
import { masterKeyringOf } from '../../platform/crypto/keyring.ts';
import type { AiStep } from '../flows/flow-definition.ts';
import { findKbAnswer, listKbEntries } from '../knowledge/knowledge.repository.ts';
import { type AiReplyResult, type ChatMessage, requestAiReply, systemPrompt } from './ai-reply.ts';
import { getAiSettings, openAiKey } from './ai-settings.ts';

/** Messages of the conversation sent as the chat's history. */
const HISTORY = 10;
/** FAQ entries given as context at most (the best match first). */
const MAX_FAQS = 20;
const AI_TIMEOUT_MS = 15_000;

/**
 * An AI step's reply: the number's settings (off by default: then an error, and the step's error
 * branch), the FAQ entries as context, the conversation's last messages as the chat. Never throws.
 */
export async function runAiStep(
  deps: Pick<AppDeps, 'database' | 'config'>,
  input: {
    phoneNumberId: string;
    conversationId: string | null;
    step: Pick<AiStep, 'instructions'>;
    question: string;
    history?: ChatMessage[];
  },
): Promise<AiReplyResult> {
  const db = deps.database.db;
  const settings = await getAiSettings(db, input.phoneNumberId);
  if (settings?.enabled !== 1 || !settings.base_url || !settings.model) {
    return { ok: false, error: 'AI replies are off for this number' };
  }
  let apiKey: string | null;
  try {
    apiKey = await openAiKey(db, masterKeyringOf(deps.config), settings);
  } catch {
    return { ok: false, error: 'the AI key cannot be opened' };
  }
  const entries = await listKbEntries(db, { phoneNumberId: input.phoneNumberId });
  const best = input.question
    ? await findKbAnswer(db, { phoneNumberId: input.phoneNumberId, query: input.question })
    : null;
  const faqs = [...(best ? [best] : []), ...entries.filter((e) => e.id !== best?.id)].slice(0, MAX_FAQS);
  let history: ChatMessage[] = input.history ?? [];
  if (!input.history && input.conversationId) {
    const rows = await db
      .selectFrom('messages')
      .select(['direction', 'origin', 'type', 'content_json'])
      .where('conversation_id', '=', input.conversationId)
      .where('type', 'in', ['text', 'interactive', 'button'])
      .where('origin', '!=', 'history')
      .orderBy('seq', 'desc')
      .limit(HISTORY)
      .execute();
    history = rows.reverse().flatMap((r): ChatMessage[] => {
      const text = historyText(r.type, r.content_json);
      return text ? [{ role: r.direction === 'inbound' ? 'user' : 'assistant', content: text }] : [];
    });
  }
  if (history.length === 0 || history[history.length - 1]?.role !== 'user') {
    if (input.question) history.push({ role: 'user', content: input.question });
  }
  return requestAiReply({
    baseUrl: settings.base_url,
    model: settings.model,
    apiKey,
    messages: [
      {
        role: 'system',
        content: systemPrompt({
          instructions: settings.instructions,
          stepInstructions: input.step.instructions,
          faqs,
        }),
      },
      ...history,
    ],
    policy: { allow: deps.config.webhookEgressAllow },
    timeoutMs: AI_TIMEOUT_MS,
  });
}

// The text of a stored message, for the history: its body, a caption, a button's or row's title.
function historyText(type: string, contentJson: string): string {
  try {
    const c = JSON.parse(contentJson) as Record<string, unknown>;
    if (type === 'text' && typeof c.body === 'string') return c.body;
    if (type === 'interactive') {
      const reply = (c.button_reply ?? c.list_reply) as { title?: unknown } | undefined;
      if (reply && typeof reply.title === 'string') return reply.title;
      const body = (c.body as { text?: unknown } | undefined)?.text;
      if (typeof body === 'string') return body;
    }
    if (type === 'button' && typeof c.text === 'string') return c.text;
  } catch {
    // not JSON: no text
  }
  return '';
}
