import type { Kysely, Transaction } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { loadRateCard } from '../costs/rate-card.ts';
import type { DB } from '../database.ts';
import { enqueueSend, notifyEnqueued } from '../outbound/enqueue-send.ts';
import { prepareSend } from '../outbound/send-message.ts';
import { AppError } from '../platform/errors.ts';
import { defineSubscriber } from '../platform/events/subscriber.ts';
import { parseJsonOr } from '../platform/json.ts';
import { defaultReply, matchKeyword } from './consent-keywords.ts';
import { recordConsent } from './consent-ledger.ts';
import { consentSettingsOf } from './consent-settings.ts';

/** The text a customer typed (a text message or a quick-reply button's text), or null. */
export function customerText(type: string, contentJson: string): string | null {
  const body = parseJsonOr<Record<string, unknown> | null>(contentJson, null);
  if (!body || typeof body !== 'object') return null;
  if (type === 'text' && typeof body.body === 'string') return body.body;
  if (type === 'button' && typeof body.text === 'string') return body.text;
  return null;
}

/**
 * Handles one live customer message: an opt-out or opt-in keyword of its number becomes a ledger
 * record (source `keyword`, the customer's words as the wording, the wamid as evidence), and the
 * confirmation reply is queued through the one send path. Returns what it did, for tests.
 */
export async function applyKeyword(
  trx: Kysely<DB>,
  deps: Pick<AppDeps, 'config'> | null,
  messageId: string,
  now: number,
): Promise<{ action: 'opt_out' | 'opt_in'; replyMessageId: string | null; phoneNumberId: string } | null> {
  const m = await trx
    .selectFrom('messages')
    .select([
      'id',
      'phone_number_id',
      'contact_id',
      'conversation_id',
      'direction',
      'origin',
      'type',
      'content_json',
      'timestamp',
      'wamid',
    ])
    .where('id', '=', messageId)
    .executeTakeFirst();
  // Live customer messages only: never an echo, an imported message or one of ours.
  if (m?.direction !== 'inbound' || m.origin !== 'customer' || !m.contact_id) return null;
  const text = customerText(m.type, m.content_json);
  if (text === null) return null;
  const settings = await consentSettingsOf(trx, m.phone_number_id);
  const match = matchKeyword(text, settings.keywords);
  if (!match) return null;
  await recordConsent(trx, {
    contactId: m.contact_id,
    numberId: m.phone_number_id,
    scope: 'marketing',
    action: match.action,
    source: 'keyword',
    wording: text,
    evidence: m.wamid ? `wamid:${m.wamid}` : `message:${m.id}`,
    actor: null,
    at: Number(m.timestamp),
    now,
  });
  const custom = match.action === 'opt_out' ? settings.optOutReply : settings.optInReply;
  const reply = custom ?? defaultReply(match.action, match.language);
  let replyMessageId: string | null = null;
  if (reply.trim() !== '' && deps) {
    try {
      const rateCard = await loadRateCard({ db: trx, dataDir: deps.config.dataDir, now });
      const { message } = await enqueueSend(trx, {
        recipient: { conversationId: m.conversation_id },
        prepared: prepareSend({ type: 'text', text: { body: reply } }),
        replyTo: null,
        origin: 'bot',
        authorUserId: null,
        wabaIds: null,
        rateCard,
        now,
      });
      replyMessageId = message.id;
    } catch (error) {
      // A refused confirmation (number disconnected, window closed) leaves the record in place.
      if (!(error instanceof AppError)) throw error;
    }
  }
  return { action: match.action, replyMessageId, phoneNumberId: m.phone_number_id };
}

/** The durable subscriber that applies keywords to `message.received` (live messages only). */
export const consentKeywordSubscriber = defineSubscriber({
  name: 'consent.keywords',
  types: ['message.received'],
  from: 'now',
  async handle(trx: Transaction<DB>, event, context) {
    const deps = (context as AppDeps | undefined) ?? null;
    const done = await applyKeyword(
      trx as unknown as Kysely<DB>,
      deps,
      event.payload.message_id,
      deps?.clock.now() ?? Date.now(),
    );
    // The reply is queued in this transaction; wake the sender once it has committed.
    if (done?.replyMessageId && deps?.signals)
      setTimeout(() => notifyEnqueued(deps, [done.phoneNumberId]), 50);
  },
});
