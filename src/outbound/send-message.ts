import type { Kysely, Selectable } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { isWindowOpen } from '../conversations/window.ts';
import { type CostEstimate, estimateSend, loadRateCard } from '../costs/rate-card.ts';
import type { DB } from '../database.ts';
import { messageAddedEvent } from '../messages/message.repository.ts';
import type { MessageTable } from '../messages/message.table.ts';
import { AppError } from '../platform/errors.ts';
import { recordEvents } from '../platform/events/record-event.ts';
import { newId } from '../platform/ids.ts';
import {
  type ContentInput,
  contentInputSchema,
  isMediaType,
  needsOpenWindow,
  type OutboundContent,
} from './message-content.ts';
import { notifyOutbox } from './outbox-signal.ts';
import { type RecipientInput, resolveRecipient } from './recipient.ts';
import { checkTemplate, templateComponents } from './template-check.ts';

/** Which hub path sends: the REST API, an agent in the inbox, a bot, or a campaign. */
export type SendOrigin = 'api' | 'agent' | 'bot' | 'campaign';

export type SendMessageInput = {
  readonly recipient: RecipientInput;
  /** The content as the API accepts it; validated here (cloud-api.md §3.1 limits). */
  readonly content: unknown;
  /** Hub id or wamid of the message to quote. */
  readonly replyTo?: string | null;
  readonly origin: SendOrigin;
  readonly authorUserId?: string | null;
  /** The business accounts the caller may use; null = all. */
  readonly wabaIds?: readonly string[] | null;
};

export type SendMessageResult = {
  readonly message: Selectable<MessageTable>;
  readonly cost: CostEstimate;
};

export type SendMessageOptions = {
  /** Runs inside the send transaction after the message and its job are written (idempotency record). */
  readonly inTransaction?: (trx: Kysely<DB>, result: SendMessageResult) => Promise<void>;
};

type Deps = Pick<AppDeps, 'database' | 'clock' | 'config'> & { readonly signals?: AppDeps['signals'] };

function parseContent(content: unknown): ContentInput {
  const parsed = contentInputSchema.safeParse(content);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((i) => ({ path: `/${i.path.join('/')}`, message: i.message }));
  const first = details[0];
  throw new AppError(
    'VALIDATION_FAILED',
    first ? `Invalid message: ${first.path} ${first.message}` : 'Invalid message.',
    details,
  );
}

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

function preview(content: OutboundContent): string {
  switch (content.type) {
    case 'text':
      return content.text.body.slice(0, 200);
    case 'template':
      return `[template: ${content.template.name}]`;
    case 'reaction':
      return content.reaction.emoji ? `[reaction ${content.reaction.emoji}]` : '[reaction removed]';
    default:
      if (isMediaType(content.type) && 'media' in content && content.media.caption) {
        return content.media.caption.slice(0, 200);
      }
      return `[${content.type}]`;
  }
}

/** What is stored in `content_json` and shown by the API: the type's object, as sent. */
function storedContent(content: OutboundContent): unknown {
  switch (content.type) {
    case 'text':
      return content.text;
    case 'location':
      return content.location;
    case 'contacts':
      return content.contacts;
    case 'reaction':
      return { message_id: content.reaction.wamid, emoji: content.reaction.emoji };
    case 'template':
      return content.template;
    case 'interactive':
      return content.interactive;
    default:
      return content.media;
  }
}

/**
 * The one send path shared by the API, the inbox, bots and campaigns. Validates the content,
 * refuses what Meta would refuse (closed window, unapproved template, wrong parameters, opted-out
 * contact, disconnected number), then writes the message (status `queued`) and its outbox job in
 * one transaction. The sender worker sends it; statuses move it on.
 */
export async function sendMessage(
  deps: Deps,
  input: SendMessageInput,
  options: SendMessageOptions = {},
): Promise<SendMessageResult> {
  const parsed = parseContent(input.content);
  const now = deps.clock.now();
  const card = await loadRateCard({ db: deps.database.db, dataDir: deps.config.dataDir, now });

  const result = await deps.database.db.transaction().execute(async (trx) => {
    const { number, contact, conversation } = await resolveRecipient(trx, input.recipient, now);
    if (input.wabaIds && !input.wabaIds.includes(number.waba_id)) {
      throw new AppError('NOT_FOUND', `No phone number ${number.id}.`);
    }
    if (number.connection_state !== 'connected') {
      throw new AppError(
        'NUMBER_NOT_CONNECTED',
        `Phone number ${number.display_phone_number} is ${number.connection_state}.`,
        { phone_number_id: number.id, connection_state: number.connection_state },
      );
    }
    const windowOpen = isWindowOpen(conversation, now);
    if (needsOpenWindow(parsed) && !windowOpen) {
      throw new AppError(
        'MESSAGE_WINDOW_CLOSED',
        conversation.window_expires_at === null
          ? 'The customer has not written to this number yet; only an approved template can start the conversation.'
          : 'The customer-service window closed; send an approved template instead.',
        {
          closed_at:
            conversation.window_expires_at === null
              ? null
              : new Date(conversation.window_expires_at).toISOString(),
          hint: 'Send an approved template (type "template"); the window reopens when the customer writes.',
        },
      );
    }

    let content: OutboundContent;
    let templateCategory: string | null = null;
    switch (parsed.type) {
      case 'template': {
        const components = templateComponents(parsed.template);
        const row = await trx
          .selectFrom('templates')
          .selectAll()
          .where('waba_id', '=', number.waba_id)
          .where('name', '=', parsed.template.name)
          .where('language', '=', parsed.template.language)
          .executeTakeFirst();
        checkTemplate(row, { name: parsed.template.name, language: parsed.template.language, components });
        templateCategory = row?.category ?? null;
        if (templateCategory?.toUpperCase() === 'MARKETING' && contact.marketing_opt_out === 1) {
          throw new AppError('CONTACT_OPTED_OUT', undefined, {
            contact_id: contact.id,
            opted_out_at:
              contact.marketing_opt_out_at === null
                ? null
                : new Date(contact.marketing_opt_out_at).toISOString(),
          });
        }
        content = {
          type: 'template',
          template: { name: parsed.template.name, language: parsed.template.language, components },
        };
        break;
      }
      case 'reaction':
        content = {
          type: 'reaction',
          reaction: {
            wamid: await wamidOf(trx, conversation.id, parsed.reaction.message_id, 'reacted-to'),
            emoji: parsed.reaction.emoji,
          },
        };
        break;
      case 'image':
        content = { type: 'image', media: parsed.image };
        break;
      case 'video':
        content = { type: 'video', media: parsed.video };
        break;
      case 'audio':
        content = { type: 'audio', media: parsed.audio };
        break;
      case 'sticker':
        content = { type: 'sticker', media: parsed.sticker };
        break;
      case 'document':
        content = { type: 'document', media: parsed.document };
        break;
      case 'contacts':
        content = { type: 'contacts', contacts: parsed.contacts };
        break;
      case 'text':
        content = { type: 'text', text: parsed.text };
        break;
      case 'location':
        content = { type: 'location', location: parsed.location };
        break;
      case 'interactive':
        content = { type: 'interactive', interactive: parsed.interactive };
        break;
    }
    const contextWamid = input.replyTo ? await wamidOf(trx, conversation.id, input.replyTo, 'quoted') : null;

    const id = newId();
    const message = await trx
      .insertInto('messages')
      .values({
        id,
        phone_number_id: number.id,
        conversation_id: conversation.id,
        contact_id: contact.id,
        wamid: null,
        direction: 'outbound',
        origin: input.origin,
        author_user_id: input.authorUserId ?? null,
        type: content.type,
        content_json: JSON.stringify(storedContent(content)),
        edited_content_json: null,
        edited_at: null,
        deleted_at: null,
        context_wamid: contextWamid,
        context_json: null,
        referral_json: null,
        errors_json: null,
        timestamp: now,
        received_at: now,
        status: 'queued',
        status_at: now,
        error_json: null,
        pricing_json: null,
        history_status: null,
        biz_opaque_callback_data: id,
        webhook_event_id: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('outbox_jobs')
      .values({
        message_id: id,
        phone_number_id: number.id,
        contact_id: contact.id,
        priority: input.origin === 'campaign' ? 1 : 0,
        state: 'queued',
        not_before: null,
        lease_epoch: null,
        claimed_by: null,
        dispatched_at: null,
        finished_at: null,
        last_error_json: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const cost = estimateSend(card, {
      templateCategory,
      windowOpen,
      fepOpen: conversation.fep_expires_at !== null && conversation.fep_expires_at > now,
      waId: contact.wa_id,
      now,
    });
    await trx
      .insertInto('outbound_costs')
      .values({
        message_id: id,
        phone_number_id: number.id,
        country_code: cost.countryCode,
        category: cost.category,
        pricing_type: cost.pricingType,
        estimated_micros: cost.micros,
        currency: cost.currency,
        created_at: now,
      })
      .execute();
    await trx
      .updateTable('conversations')
      .set({ last_message_at: now, last_message_preview: preview(content), updated_at: now })
      .where('id', '=', conversation.id)
      .execute();
    await recordEvents(
      trx,
      [
        messageAddedEvent(message),
        {
          type: 'conversation.updated',
          phoneNumberId: number.id,
          payload: { conversation_id: conversation.id, change: 'last_message' },
        },
      ],
      now,
    );
    const result = { message, cost };
    if (options.inTransaction) await options.inTransaction(trx, result);
    return result;
  });
  deps.signals?.emit('events');
  notifyOutbox(deps.database, result.message.phone_number_id);
  return result;
}
