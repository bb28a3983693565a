import { request } from 'undici';
import {
  assertUrlAllowed,
  type EgressPolicy,
  egressAgent,
} from '../../integrations/outbound-webhooks/egress.ts';

/** One turn of the conversation as the chat-completions API takes it. */
export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

export type AiReplyResult = { ok: true; reply: string } | { ok: false; error: string };

/** The system prompt: the number's instructions, the step's, then the FAQ entries as context. */
export function systemPrompt(input: {
  instructions: string;
  stepInstructions: string;
  faqs: readonly { question: string; answer: string }[];
}): string {
  const parts = [input.instructions.trim(), input.stepInstructions.trim()].filter((p) => p.length > 0);
  if (input.faqs.length > 0) {
    parts.push(
      'Answer only from these frequently asked questions; if they do not cover the question, say so briefly.',
      input.faqs.map((f, i) => `Q${i + 1}: ${f.question}\nA${i + 1}: ${f.answer}`).join('\n\n'),
    );
  }
  return parts.join('\n\n');
}

/**
 * Asks an OpenAI-compatible chat-completions endpoint (`POST {baseUrl}/chat/completions`, Bearer
 * key, `{model, messages}`) for a reply; the first choice's message content is the reply. Through
 * the egress policy, aborted after `timeoutMs`. Never throws; the key never appears in an error.
 */
export async function requestAiReply(input: {
  baseUrl: string;
  model: string;
  apiKey: string | null;
  messages: readonly ChatMessage[];
  policy: EgressPolicy;
  timeoutMs: number;
}): Promise<AiReplyResult> {
  const url = `${input.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  try {
    assertUrlAllowed(url, input.policy);
    const response = await request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(input.apiKey ? { authorization: `Bearer ${input.apiKey}` } : {}),
      },
      body: JSON.stringify({ model: input.model, messages: input.messages, temperature: 0.2 }),
      dispatcher: egressAgent(input.policy),
      signal: AbortSignal.timeout(input.timeoutMs),
    });
    const text = await response.body.text();
    if (response.statusCode < 200 || response.statusCode >= 300) {
      return { ok: false, error: `HTTP ${response.statusCode}` };
    }
    const json = JSON.parse(text) as { choices?: { message?: { content?: unknown } }[] };
    const content = json.choices?.[0]?.message?.content;
    if (typeof content !== 'string' || content.trim().length === 0) {
      return { ok: false, error: 'the response has no reply' };
    }
    return { ok: true, reply: content.trim() };
  } catch (error) {
    const name = (error as Error)?.name;
    if (name === 'TimeoutError' || name === 'AbortError')
      return { ok: false, error: `timed out after ${input.timeoutMs} ms` };
    return { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}
