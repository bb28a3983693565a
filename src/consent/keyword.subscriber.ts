import type { Kysely, Transaction } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { loadRateCard } from '../costs/rate-card.ts';
import type { DB } from '../database.ts';
import { enqueueSend, notifyEnqueued } from '../outbound/enqueue-send.ts';
import { prepareSend } from '../outbound/send-message.ts';
import { AppError } from '../platform/errors.ts';
import { defineSubscriber, type StoredEvent } from '../platform/events/subscriber.ts';
import { parseJsonOr } from '../platform/json.ts';
import { defaultReply, matchKeyword } from './consent-keywords.ts';
import { recordConsent } from './consent-ledger.ts';
import { type ConsentSettings, consentSettingsOf } from './consent-settings.ts';

/** The text a customer typed (a text message or a quick-reply button's text), or null. */
export function customerText(type: string, contentJson: string): string | null {
  const body = parseJsonOr<Record<string, unknown> | null>(contentJson, null);
  if (!body || typeof body !== 'object') return null;
  if (type === 'text' && typeof body.body === 'string') return body.body;
  if (type === 'button' && typeof body.text === 'string') return body.text;
  return null;
}

const MESSAGE_COLUMNS = [
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
] as const;

function readMessages(trx: Kysely<DB>, ids: readonly string[]) {
  return trx
    .selectFrom('messages')
    .select(MESSAGE_COLUMNS)
    .where('id', 'in', [...ids])
    .execute();
}

type KeywordMessage = Awaited<ReturnType<typeof readMessages>>[number];

/**
 * What a slice of `message.received` reads once for all its events: its messages (this handler
 * only adds messages, its confirmations, and never changes these) and each number's consent
 * settings (it never writes them).
 */
export type KeywordSlice = {
  readonly messages: ReadonlyMap<string, KeywordMessage>;
  settings(phoneNumberId: string): Promise<ConsentSettings>;
};

export async function keywordSlice(trx: Kysely<DB>, messageIds: readonly string[]): Promise<KeywordSlice> {
  const messages = new Map(
    (messageIds.length > 0 ? await readMessages(trx, [...new Set(messageIds)]) : []).map((m) => [m.id, m]),
  );
  const settings = new Map<string, Promise<ConsentSettings>>();
  return {
    messages,
    settings(phoneNumberId) {
      let read = settings.get(phoneNumberId);
      if (!read) {
        read = consentSettingsOf(trx, phoneNumberId);
        settings.set(phoneNumberId, read);
        // A failed read is not kept: the slice is handled again.
        read.catch(() => settings.delete(phoneNumberId));
      }
      return read;
    },
  };
}

/**
 * Handles one live customer message: an opt-out or opt-in keyword of its number becomes a ledger
 * record (source `keyword`, the customer's words as the wording, the wamid as evidence), and the
 * confirmation reply is queued through the one send path. Returns what it did, for tests.
 * `slice`: what a batch read ahead for it (see {@link keywordSlice}); else it reads its own.
 */
export async function applyKeyword(
  trx: Kysely<DB>,
  deps: Pick<AppDeps, 'config'> | null,
  messageId: string,
  now: number,
  slice?: KeywordSlice,
): Promise<{ action: 'opt_out' | 'opt_in'; replyMessageId: string | null; phoneNumberId: string } | null> {
  const m = slice?.messages.get(messageId) ?? (await readMessages(trx, [messageId]))[0];
  // Live customer messages only: never an echo, an imported message or one of ours.
  if (m?.direction !== 'inbound' || m.origin !== 'customer' || !m.contact_id) return null;
  const text = customerText(m.type, m.content_json);
  if (text === null) return null;
  const settings = await (slice
    ? slice.settings(m.phone_number_id)
    : consentSettingsOf(trx, m.phone_number_id));
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

async function onMessage(
  trx: Transaction<DB>,
  event: StoredEvent<'message.received'>,
  context: unknown,
  slice?: KeywordSlice,
) {
  const deps = (context as AppDeps | undefined) ?? null;
  const done = await applyKeyword(
    trx as unknown as Kysely<DB>,
    deps,
    event.payload.message_id,
    deps?.clock.now() ?? Date.now(),
    slice,
  );
  // The reply is queued in this transaction; wake the sender once it has committed.
  if (done?.replyMessageId && deps?.signals) setTimeout(() => notifyEnqueued(deps, [done.phoneNumberId]), 50);
}

/** The durable subscriber that applies keywords to `message.received` (live messages only). */
export const consentKeywordSubscriber = defineSubscriber({
  name: 'consent.keywords',
  types: ['message.received'],
  from: 'now',
  async handle(trx: Transaction<DB>, event, context) {
    await onMessage(trx, event, context);
  },
  // Every customer message comes here: a slice reads its messages and numbers' settings once.
  async handleBatch(trx: Transaction<DB>, events, context) {
    const slice = await keywordSlice(
      trx as unknown as Kysely<DB>,
      events.map((e) => e.payload.message_id),
    );
    for (const event of events) await onMessage(trx, event, context, slice);
  },
});
