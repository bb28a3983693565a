import type { Transaction } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import type { ConversationRow } from '../conversations/conversation.table.ts';
import type { DB } from '../database.ts';
import { defineSubscriber, type StoredEvent } from '../platform/events/subscriber.ts';
import { endSnoozeInTransaction } from './snooze-wake.ts';

/** The conversations of these ids that are snoozed (any status: only `pending` ones are woken). */
async function snoozedOf(trx: Transaction<DB>, ids: readonly string[]): Promise<ConversationRow[]> {
  if (ids.length === 0) return [];
  return trx
    .selectFrom('conversations')
    .selectAll()
    .where('id', 'in', [...ids])
    .where('snoozed_until', 'is not', null)
    .execute();
}

const nowOf = (event: StoredEvent, context: unknown): number =>
  (context as AppDeps | undefined)?.clock.now() ?? event.at;

async function wake(trx: Transaction<DB>, now: number, row: ConversationRow | undefined): Promise<boolean> {
  if (row?.status !== 'pending') return false;
  await endSnoozeInTransaction(trx, { row, reason: 'customer_message', actor: null, now });
  return true;
}

/** A customer who writes brings a snoozed conversation back at once (docs/inbox.md). */
export const snoozeWakeSubscriber = defineSubscriber({
  name: 'inbox.snooze-wake',
  types: ['message.received'],
  from: 'now',
  async handle(trx: Transaction<DB>, event, context) {
    const now = nowOf(event, context);
    const [row] = await snoozedOf(trx, [event.payload.conversation_id]);
    await wake(trx, now, row);
  },
  // The slice's snoozed conversations in one read instead of one per message. Only this handler
  // changes them in the slice: a conversation it wakes is snoozed no longer (`snoozed_until` null),
  // so it is dropped from what the slice's later messages see, exactly as a fresh read would.
  async handleBatch(trx: Transaction<DB>, events, context) {
    const snoozed = new Map(
      (await snoozedOf(trx, [...new Set(events.map((e) => e.payload.conversation_id))])).map((r) => [
        r.id,
        r,
      ]),
    );
    for (const event of events) {
      const id = event.payload.conversation_id;
      if (await wake(trx, nowOf(event, context), snoozed.get(id))) snoozed.delete(id);
    }
  },
});
