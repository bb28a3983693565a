import type { Kysely } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { loadRateCard } from '../costs/rate-card.ts';
import type { DB } from '../database.ts';
import { humanHold } from '../outbound/automation-hold.ts';
import { enqueueSend } from '../outbound/enqueue-send.ts';
import type { ResolvedRecipient } from '../outbound/recipient.ts';
import { prepareSend } from '../outbound/send-message.ts';
import { AppError } from '../platform/errors.ts';
import type { AutomatedOrigin } from './automation.table.ts';
import { type SpeakingFacts, speakingFacts, speakingKey } from './control.ts';
import { oncePerTransaction, takePreloaded } from './per-transaction.ts';

/**
 * The one way automation sends: a flow (`bot`) or a rule asks here, never `enqueueSend` directly.
 * It checks that automation may speak in the conversation (no human reply holding it, not kept with
 * humans, not VIP: `control.ts`), applies the loop breaker (at most the number's cap of automated
 * messages per conversation per hour), then queues through the one send path (`enqueueSend`, origin
 * `bot`) in the caller's transaction and records the automated send with its origin. At dispatch
 * the send policy checks again (`outbound/automation-hold.ts`), so a message queued before a human
 * reply never reaches Meta.
 */

export type AutomatedSendInput = {
  readonly conversationId: string;
  readonly origin: AutomatedOrigin;
  /** The flow run and step (`run:<id>/step:<id>`) or the rule id that sends. */
  readonly originRef: string;
  /** The message as `POST /api/messages` accepts it (`{ type: 'text', text: { body } }`, …). */
  readonly content: unknown;
  readonly replyTo?: string | null;
  /**
   * The conversation and contact as the caller read them in this transaction (a rule run's context):
   * the send does not read them again, and the number is read once per transaction.
   */
  readonly rows?: {
    readonly conversation: ResolvedRecipient['conversation'];
    readonly contact: ResolvedRecipient['contact'];
  };
};

export type AutomatedSendResult =
  | { readonly sent: true; readonly messageId: string; readonly phoneNumberId: string }
  | {
      readonly sent: false;
      /** `human_control`, `keep_with_humans`, `vip`, `loop_breaker`, or the send policy's error code. */
      readonly reason: string;
      readonly message: string;
    };

export const HOUR_MS = 3_600_000;

/** Automated messages queued (not cancelled) for a conversation in the hour before `now`. */
export async function automatedSendsInLastHour(
  trx: Kysely<DB>,
  conversationId: string,
  now: number,
): Promise<number> {
  const row = await trx
    .selectFrom('automated_sends')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('conversation_id', '=', conversationId)
    .where('created_at', '>', now - HOUR_MS)
    .where('cancelled_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Queues one automated message in the caller's transaction, or says why it did not. A refusal of
 * the send policy (window closed, number not connected, …) is returned, not thrown, so a rule's run
 * log can say it. After the commit the number's sender picks the message up (it polls; callers
 * that own the commit may `notifyEnqueued`).
 */
export async function sendAutomated(
  deps: Pick<AppDeps, 'clock' | 'config'>,
  trx: Kysely<DB>,
  input: AutomatedSendInput,
): Promise<AutomatedSendResult> {
  const now = deps.clock.now();
  // One query for the handoff, VIP and the loop breaker's count (every bot and rule message asks),
  // or none when the engine read it ahead for this event's conversation.
  const facts =
    takePreloaded<SpeakingFacts>(trx, speakingKey(input.conversationId)) ??
    (await speakingFacts(trx, input.conversationId, now - HOUR_MS));
  const hold = facts ? humanHold(facts.hold, now) : null;
  if (!facts || hold) {
    const reason = hold?.reason ?? 'no_conversation';
    return { sent: false, reason, message: `Automation may not send here (${reason}).` };
  }
  const { loopCapPerHour, recent } = facts;
  if (recent >= loopCapPerHour) {
    return {
      sent: false,
      reason: 'loop_breaker',
      message: `The loop breaker stopped it: ${recent} automated messages in this conversation in the last hour (cap ${loopCapPerHour}).`,
    };
  }
  try {
    const prepared = prepareSend(input.content);
    // Read through the transaction: on SQLite a read on another connection would wait for it.
    const rateCard = await loadRateCard({ db: trx, dataDir: deps.config.dataDir, now });
    const rows = input.rows?.conversation.id === input.conversationId ? input.rows : undefined;
    const number = rows
      ? await oncePerTransaction(trx, `number:${rows.conversation.phone_number_id}`, () =>
          trx
            .selectFrom('phone_numbers')
            .selectAll()
            .where('id', '=', rows.conversation.phone_number_id)
            .executeTakeFirst(),
        )
      : undefined;
    const { message } = await enqueueSend(trx, {
      recipient:
        rows && number ? { resolved: { ...rows, number } } : { conversationId: input.conversationId },
      prepared,
      replyTo: input.replyTo ?? null,
      origin: 'bot',
      authorUserId: null,
      wabaIds: null,
      rateCard,
      now,
      // The record of the automated send goes with the message (one statement on PostgreSQL).
      alongside: (db, queued) =>
        db.insertInto('automated_sends').values({
          message_id: queued.id,
          conversation_id: input.conversationId,
          phone_number_id: queued.phone_number_id,
          origin: input.origin,
          origin_ref: input.originRef,
          created_at: now,
          cancelled_at: null,
          cancel_reason: null,
        }),
    });
    return { sent: true, messageId: message.id, phoneNumberId: message.phone_number_id };
  } catch (error) {
    if (error instanceof AppError) return { sent: false, reason: error.code, message: error.message };
    throw error;
  }
}

/** The origin of automated messages (for the inbox: "sent by the bot / by rule X"), by message id. */
export async function automatedOrigins(
  db: Kysely<DB>,
  messageIds: readonly string[],
): Promise<Map<string, { origin: AutomatedOrigin; origin_ref: string; cancel_reason: string | null }>> {
  if (messageIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('automated_sends')
    .select(['message_id', 'origin', 'origin_ref', 'cancel_reason'])
    .where('message_id', 'in', [...messageIds])
    .execute();
  return new Map(
    rows.map((r) => [
      r.message_id,
      { origin: r.origin, origin_ref: r.origin_ref, cancel_reason: r.cancel_reason },
    ]),
  );
}
