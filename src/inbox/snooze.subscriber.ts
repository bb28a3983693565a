import type { Transaction } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import type { DB } from '../database.ts';
import { defineSubscriber } from '../platform/events/subscriber.ts';
import { endSnoozeInTransaction } from './snooze-wake.ts';

/** A customer who writes brings a snoozed conversation back at once (docs/inbox.md). */
export const snoozeWakeSubscriber = defineSubscriber({
  name: 'inbox.snooze-wake',
  types: ['message.received'],
  from: 'now',
  async handle(trx: Transaction<DB>, event, context) {
    const now = (context as AppDeps | undefined)?.clock.now() ?? event.at;
    const row = await trx
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', event.payload.conversation_id)
      .where('snoozed_until', 'is not', null)
      .executeTakeFirst();
    if (row?.status !== 'pending') return;
    await endSnoozeInTransaction(trx, { row, reason: 'customer_message', actor: null, now });
  },
});
