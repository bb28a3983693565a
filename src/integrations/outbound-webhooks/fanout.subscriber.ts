import type { Transaction } from 'kysely';
import { sharedRowsApplyTo } from '../../auth/organisation-scope.ts';
import type { DB } from '../../database.ts';
import { eventTypes } from '../../platform/events/catalogue.ts';
import { defineSubscriber } from '../../platform/events/subscriber.ts';
import { createDelivery, wants } from './delivery.repository.ts';
import { enabledEndpoints } from './endpoint.queries.ts';

/**
 * Turns events into outbound webhook deliveries: for each enabled endpoint that wants the event
 * (its types; its business account's numbers when scoped), one delivery and its first attempt's
 * job, in the transaction that advances the cursor. A redelivered event finds its deliveries there
 * and adds none. Events before an endpoint was created are not sent to it (use recover for those).
 */
export const outboundWebhooksSubscriber = defineSubscriber({
  name: 'webhooks-out.fanout',
  types: eventTypes,
  from: 'now',
  async handle(trx: Transaction<DB>, event) {
    const endpoints = (await enabledEndpoints(trx)).filter((e) => e.created_at <= event.at);
    if (endpoints.length === 0) return;
    let numberWaba: string | null = null;
    const shared =
      endpoints.some((e) => e.waba_id === null) && (await sharedRowsApplyTo(trx, event.phoneNumberId));
    if (event.phoneNumberId !== null && endpoints.some((e) => e.waba_id !== null)) {
      const number = await trx
        .selectFrom('phone_numbers')
        .select('waba_id')
        .where('id', '=', event.phoneNumberId)
        .executeTakeFirst();
      numberWaba = number?.waba_id ?? null;
    }
    const logged = {
      id: event.id,
      type: event.type,
      phoneNumberId: event.phoneNumberId,
      payload: event.payload,
      at: event.at,
    };
    for (const endpoint of endpoints) {
      if (wants(endpoint, logged, { numberWaba, shared }))
        await createDelivery(trx, { endpoint, event: logged, now: event.at });
    }
  },
});
