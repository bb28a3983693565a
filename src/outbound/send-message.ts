import type { Kysely, Selectable } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { type CostEstimate, loadRateCard } from '../costs/rate-card.ts';
import type { DB } from '../database.ts';
import type { MessageTable } from '../messages/message.table.ts';
import { AppError } from '../platform/errors.ts';
import { enqueueSend, notifyEnqueued } from './enqueue-send.ts';
import { type ContentInput, contentInputSchema, type TemplateComponent } from './message-content.ts';
import type { RecipientInput } from './recipient.ts';
import { templateComponents } from './template-check.ts';

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

/** Content that passed validation: what {@link enqueueSend} takes. Prepare once, enqueue to many. */
export type PreparedSend = {
  readonly content: ContentInput;
  /** A template's components in Meta's shape (the `parameters` shorthand folded into the body). */
  readonly templateComponents: TemplateComponent[] | null;
};

type Deps = Pick<AppDeps, 'database' | 'clock' | 'config' | 'signals'>;

/**
 * Parses and validates a message's content as the API accepts it, without touching the database:
 * VALIDATION_FAILED (cloud-api.md §3.1 limits) or TEMPLATE_PARAMETERS_INVALID when it cannot be sent
 * to anyone.
 */
export function prepareSend(content: unknown): PreparedSend {
  const parsed = contentInputSchema.safeParse(content);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ path: `/${i.path.join('/')}`, message: i.message }));
    const first = details[0];
    throw new AppError(
      'VALIDATION_FAILED',
      first ? `Invalid message: ${first.path} ${first.message}` : 'Invalid message.',
      details,
    );
  }
  return {
    content: parsed.data,
    templateComponents: parsed.data.type === 'template' ? templateComponents(parsed.data.template) : null,
  };
}

/**
 * One message from one caller (the REST API, the inbox): {@link prepareSend}, then
 * {@link enqueueSend} in a transaction of its own, then wakes the sender. Callers that enqueue many
 * (a campaign job) call `enqueueSend` in their own transaction and `notifyEnqueued` after it.
 */
export async function sendMessage(
  deps: Deps,
  input: SendMessageInput,
  options: SendMessageOptions = {},
): Promise<SendMessageResult> {
  const prepared = prepareSend(input.content);
  const now = deps.clock.now();
  const rateCard = await loadRateCard({ db: deps.database.db, dataDir: deps.config.dataDir, now });
  const result = await deps.database.db.transaction().execute(async (trx) => {
    const result = await enqueueSend(trx, {
      recipient: input.recipient,
      prepared,
      replyTo: input.replyTo ?? null,
      origin: input.origin,
      authorUserId: input.authorUserId ?? null,
      wabaIds: input.wabaIds ?? null,
      rateCard,
      now,
    });
    if (options.inTransaction) await options.inTransaction(trx, result);
    return result;
  });
  notifyEnqueued(deps, [result.message.phone_number_id]);
  return result;
}
