import type { Kysely } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { loadConsentFacts, UNKNOWN_CONSENT } from '../consent/consent-policy.ts';
import { isFepOpen, isWindowOpen } from '../conversations/window.ts';
import { estimateSend, type RateCard } from '../costs/rate-card.ts';
import type { DB } from '../database.ts';
import { contentJson, contentPreview, type SendableContent } from '../messages/content.ts';
import { messageAddedEvent } from '../messages/message.repository.ts';
import { newMessageRow } from '../messages/new-message-row.ts';
import { isPostgres } from '../platform/db/is-postgres.ts';
import { AppError } from '../platform/errors.ts';
import type { DomainEvent } from '../platform/events/catalogue.ts';
import { eventsInsert } from '../platform/events/record-event.ts';
import { newId } from '../platform/ids.ts';
import { type RecipientInput, resolveRecipient } from './recipient.ts';
import type { PreparedSend, SendMessageResult, SendOrigin } from './send-message.ts';
import { decideSend } from './send-policy.ts';
import { checkTemplate, withOtpButtons } from './template-check.ts';

/** One message to queue, with what the caller loaded once for a whole batch (rate card, time). */
export type EnqueueSendInput = {
  readonly recipient: RecipientInput;
  /** From `prepareSend`: the same prepared content may go to many recipients. */
  readonly prepared: PreparedSend;
  /** Hub id or wamid of the message to quote. */
  readonly replyTo?: string | null;
  readonly origin: SendOrigin;
  readonly authorUserId?: string | null;
  /** The business accounts the caller may use; null = all. */
  readonly wabaIds?: readonly string[] | null;
  /** The latest time the message may still go (a campaign's end); still queued then, it fails. */
  readonly deadline?: number | null;
  readonly rateCard: RateCard;
  readonly now: number;
  /**
   * A row of the caller's to write with the message (automation's record of its send): written in
   * the same statement as the message on PostgreSQL.
   */
  readonly alongside?: (trx: Kysely<DB>, message: { id: string; phone_number_id: string }) => Write;
};

/** Finds a message of the conversation by hub id or wamid and returns its wamid. */
async function wamidOf(trx: Kysely<DB>, conversationId: string, ref: string, what: string): Promise<string> {
  const row = await trx
    .selectFrom('messages')
    .select(['id', 'wamid'])
    .where('conversation_id', '=', conversationId)
    .where((eb) => eb.or([eb('id', '=', ref), eb('wamid', '=', ref)]))
    .executeTakeFirst();
  if (row?.wamid) return row.wamid;
  if (row)
    throw new AppError('CONFLICT', `The ${what} message has not been accepted by Meta yet (no wamid).`);
  // An unknown wamid may still be real (older than our records); pass it through as given.
  if (ref.startsWith('wamid.')) return ref;
  throw new AppError('NOT_FOUND', `No ${what} message ${ref} in this conversation.`);
}

async function outboundContent(
  trx: Kysely<DB>,
  prepared: PreparedSend,
  conversationId: string,
): Promise<SendableContent> {
  const parsed = prepared.content;
  switch (parsed.type) {
    case 'template':
      return {
        type: 'template',
        body: {
          name: parsed.template.name,
          language: parsed.template.language,
          components: prepared.templateComponents ?? [],
        },
      };
    case 'reaction':
      return {
        type: 'reaction',
        body: {
          message_id: await wamidOf(trx, conversationId, parsed.reaction.message_id, 'reacted-to'),
          emoji: parsed.reaction.emoji,
        },
      };
    case 'image':
      return { type: 'image', body: parsed.image };
    case 'video':
      return { type: 'video', body: parsed.video };
    case 'audio':
      return { type: 'audio', body: parsed.audio };
    case 'sticker':
      return { type: 'sticker', body: parsed.sticker };
    case 'document':
      return { type: 'document', body: parsed.document };
    case 'contacts':
      return { type: 'contacts', body: parsed.contacts };
    case 'text':
      return { type: 'text', body: parsed.text };
    case 'location':
      return { type: 'location', body: parsed.location };
    case 'interactive':
      return { type: 'interactive', body: parsed.interactive };
  }
}

/**
 * Queues one message inside the caller's transaction: resolves the recipient (creating the contact
 * and conversation when needed), asks the send policy (`send-policy.ts`: number connected, window,
 * template approved, consent) and the template's parameters, then writes the message (status
 * `queued`), its outbox job, its cost estimate, the conversation's last message and the events. A
 * refusal throws the policy's AppError and writes nothing. After the commit, call
 * {@link notifyEnqueued} with the numbers used.
 */
export async function enqueueSend(trx: Kysely<DB>, input: EnqueueSendInput): Promise<SendMessageResult> {
  const { now, prepared } = input;
  const { number, contact, conversation } = await resolveRecipient(trx, input.recipient, now);
  if (input.wabaIds && !input.wabaIds.includes(number.waba_id)) {
    throw new AppError('NOT_FOUND', `No phone number ${number.id}.`);
  }
  const parsed = prepared.content;
  const template =
    parsed.type === 'template'
      ? await trx
          .selectFrom('templates')
          .selectAll()
          .where('waba_id', '=', number.waba_id)
          .where('name', '=', parsed.template.name)
          .where('language', '=', parsed.template.language)
          .executeTakeFirst()
      : undefined;
  const consent =
    parsed.type === 'template'
      ? ((await loadConsentFacts(trx, number.id, [contact.id])).get(contact.id) ?? UNKNOWN_CONSENT)
      : UNKNOWN_CONSENT;
  const refusal = decideSend(
    {
      number,
      contact,
      conversation,
      consent,
      type: parsed.type,
      template: template ?? null,
      deadline: input.deadline ?? null,
      now,
    },
    'enqueue',
  );
  if (refusal) throw new AppError(refusal.code, refusal.message, refusal.details);
  const send =
    parsed.type === 'template'
      ? { ...prepared, templateComponents: withOtpButtons(template, prepared.templateComponents ?? []) }
      : prepared;
  if (parsed.type === 'template') {
    checkTemplate(template, {
      name: parsed.template.name,
      language: parsed.template.language,
      components: send.templateComponents ?? [],
    });
  }
  const content = await outboundContent(trx, send, conversation.id);
  const contextWamid = input.replyTo ? await wamidOf(trx, conversation.id, input.replyTo, 'quoted') : null;

  const id = newId();
  const cost = estimateSend(input.rateCard, {
    templateCategory: template?.category ?? null,
    windowOpen: isWindowOpen(conversation, now),
    fepOpen: isFepOpen(conversation, now),
    waId: contact.wa_id,
    now,
  });
  const row = newMessageRow({
    id,
    phone_number_id: number.id,
    conversation_id: conversation.id,
    contact_id: contact.id,
    direction: 'outbound',
    origin: input.origin,
    author_user_id: input.authorUserId ?? null,
    type: content.type,
    content_json: contentJson(content),
    context_wamid: contextWamid,
    timestamp: now,
    received_at: now,
    status: 'queued',
    biz_opaque_callback_data: id,
  });
  const events: DomainEvent[] = [
    messageAddedEvent({ ...row, author_user_id: row.author_user_id ?? null, wamid: row.wamid ?? null }),
    {
      type: 'conversation.updated',
      phoneNumberId: number.id,
      payload: { conversation_id: conversation.id, change: 'last_message' },
    },
  ];
  // The writes of one send, in this order: the message, its outbox job, its cost estimate, the
  // conversation's last message, the events, and the caller's own rows (`alongside`).
  const writes = [
    trx.insertInto('outbox_jobs').values({
      message_id: id,
      phone_number_id: number.id,
      contact_id: contact.id,
      priority: input.origin === 'campaign' ? 1 : 0,
      state: 'queued',
      not_before: null,
      deadline_at: input.deadline ?? null,
      lease_epoch: null,
      claimed_by: null,
      dispatched_at: null,
      finished_at: null,
      last_error_json: null,
      created_at: now,
      updated_at: now,
    }),
    trx.insertInto('outbound_costs').values({
      message_id: id,
      phone_number_id: number.id,
      country_code: cost.countryCode,
      category: cost.category,
      pricing_type: cost.pricingType,
      estimated_micros: cost.micros,
      currency: cost.currency,
      created_at: now,
    }),
    trx
      .updateTable('conversations')
      .set({ last_message_at: now, last_message_preview: contentPreview(content), updated_at: now })
      .where('id', '=', conversation.id),
    eventsInsert(trx, events, now),
    ...(input.alongside ? [input.alongside(trx, { id, phone_number_id: number.id })] : []),
  ];
  const message = await writeTogether(trx, trx.insertInto('messages').values(row).returningAll(), writes);
  return { message, cost };
}

type Write = { execute(): Promise<unknown>; toOperationNode(): unknown };

/**
 * Runs `first` (an insert returning its row) and then `rest`. On PostgreSQL they go as ONE statement
 * (data-modifying `WITH` clauses: one round trip instead of six for every message queued; the
 * foreign keys are checked at the end of the statement, so a job may reference the message inserted
 * beside it). SQLite pays no round trip: one after another.
 */
async function writeTogether<R>(
  trx: Kysely<DB>,
  first: { executeTakeFirstOrThrow(): Promise<R> } & Write,
  rest: readonly Write[],
): Promise<R> {
  if (!isPostgres(trx)) {
    const row = await first.executeTakeFirstOrThrow();
    for (const write of rest) await write.execute();
    return row;
  }
  // biome-ignore lint/suspicious/noExplicitAny: the CTE names are built here; Kysely cannot type a dynamic chain.
  let query: any = trx.with('w0', () => first as never);
  rest.forEach((write, i) => {
    query = query.with(`w${i + 1}`, () => write as never);
  });
  return (await query.selectFrom('w0').selectAll().executeTakeFirstOrThrow()) as R;
}

/** After the commit of one or many {@link enqueueSend}: wakes this node's event readers and senders. */
export function notifyEnqueued(deps: Pick<AppDeps, 'signals'>, phoneNumberIds: Iterable<string>): void {
  deps.signals.emit('events');
  for (const id of new Set(phoneNumberIds)) deps.signals.emit('outbox', id);
}
