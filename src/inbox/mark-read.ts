import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../auth/actor.ts';
import type { Principal } from '../auth/principal.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { withEvents } from '../platform/events/with-events.ts';
import { conversationFor } from './conversation-access.ts';

/** Meta accepts a read receipt only within 30 days of the message (cloud-api.md §3.4). */
const READ_RECEIPT_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

/** What marking a conversation read did: the unread count, and whether Meta took the read receipt. */
export type MarkReadResult = {
  unread_count: 0;
  read_receipt:
    | { sent: true; wamid: string }
    | { sent: false; wamid: string | null; error?: { code: number | null; message: string } };
};

/**
 * An operator opened the conversation. Clears its unread count (`conversation.read`, with who)
 * and sends Meta a read receipt for the newest customer message, so the customer's blue ticks mean
 * a person saw it (never on receipt). The local count is cleared even if Meta refuses the receipt;
 * the result says whether Meta took it.
 */
export async function markConversationRead(
  deps: AppDeps,
  input: { principal: Principal; conversationId: string },
): Promise<MarkReadResult> {
  const { principal } = input;
  const db = deps.database.db;
  const { row } = await conversationFor(db, principal, input.conversationId);
  const now = deps.clock.now();
  if (row.unread_count > 0) {
    await withEvents(deps, async (trx) => {
      await trx
        .updateTable('conversations')
        .set({ unread_count: 0, updated_at: now })
        .where('id', '=', row.id)
        .execute();
      await recordEvent(
        trx,
        {
          type: 'conversation.read',
          phoneNumberId: row.phone_number_id,
          payload: { conversation_id: row.id, actor: actorOf(principal) },
        },
        now,
      );
    });
  }
  const latest = await db
    .selectFrom('messages')
    .select(['wamid', 'timestamp'])
    .where('conversation_id', '=', row.id)
    .where('origin', '=', 'customer')
    .where('wamid', 'is not', null)
    // Meta's timestamps have whole seconds; the hub's own receive time breaks ties.
    .orderBy('timestamp', 'desc')
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!latest?.wamid || row.unread_count === 0 || now - latest.timestamp > READ_RECEIPT_MAX_AGE_MS) {
    return { unread_count: 0, read_receipt: { sent: false, wamid: null } };
  }
  const result = await deps.graph.markRead({
    phoneNumberId: row.phone_number_id,
    wamid: latest.wamid,
    typing: false,
  });
  return {
    unread_count: 0,
    read_receipt: result.ok
      ? { sent: true, wamid: latest.wamid }
      : {
          sent: false,
          wamid: latest.wamid,
          error: { code: result.error.code, message: result.error.message },
        },
  };
}
