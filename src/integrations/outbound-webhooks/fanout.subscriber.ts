import type { Transaction } from 'kysely';
import { sharedRowsApplyTo } from '../../auth/organisation-scope.ts';
import type { DB } from '../../database.ts';
import { eventTypes } from '../../platform/events/catalogue.ts';
import { defineSubscriber, type StoredEvent } from '../../platform/events/subscriber.ts';
import { createDelivery, wants } from './delivery.repository.ts';
import { enabledEndpoints } from './endpoint.queries.ts';
import type { WebhookEndpointRow } from './outbound-webhook.table.ts';

/**
 * What the fan-out reads for an event besides the event itself: the enabled endpoints, and per
 * number whether the shared (account-less) endpoints apply to it and its business account. The
 * fan-out writes none of these (only deliveries and their jobs), so a slice reads each once.
 */
type Targets = {
  endpoints(): Promise<WebhookEndpointRow[]>;
  shared(phoneNumberId: string | null): Promise<boolean>;
  numberWaba(phoneNumberId: string): Promise<string | null>;
};

function readEachTime(trx: Transaction<DB>): Targets {
  return {
    endpoints: () => enabledEndpoints(trx),
    shared: (phoneNumberId) => sharedRowsApplyTo(trx, phoneNumberId),
    async numberWaba(phoneNumberId) {
      const number = await trx
        .selectFrom('phone_numbers')
        .select('waba_id')
        .where('id', '=', phoneNumberId)
        .executeTakeFirst();
      return number?.waba_id ?? null;
    },
  };
}

/** The same reads, each made once for the slice (a failed read is not kept: the slice is retried). */
function readOncePerSlice(trx: Transaction<DB>): Targets {
  const each = readEachTime(trx);
  const memo = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    let read = memo.get(key) as Promise<T> | undefined;
    if (!read) {
      read = load();
      memo.set(key, read);
      read.catch(() => memo.delete(key));
    }
    return read;
  };
  return {
    endpoints: () => once('endpoints', each.endpoints),
    shared: (phoneNumberId) =>
      once(phoneNumberId === null ? 'shared' : `shared:${phoneNumberId}`, () => each.shared(phoneNumberId)),
    numberWaba: (phoneNumberId) => once(`waba:${phoneNumberId}`, () => each.numberWaba(phoneNumberId)),
  };
}

async function fanOut(trx: Transaction<DB>, event: StoredEvent, targets: Targets) {
  const endpoints = (await targets.endpoints()).filter((e) => e.created_at <= event.at);
  if (endpoints.length === 0) return;
  let numberWaba: string | null = null;
  const shared = endpoints.some((e) => e.waba_id === null) && (await targets.shared(event.phoneNumberId));
  if (event.phoneNumberId !== null && endpoints.some((e) => e.waba_id !== null))
    numberWaba = await targets.numberWaba(event.phoneNumberId);
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
}

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
    await fanOut(trx, event, readEachTime(trx));
  },
  // It runs on every event: the endpoints (and each number's account) are read once per slice, not
  // once per event. An endpoint saved meanwhile applies from the next slice, as it would have from
  // the next event; its creation time still decides which events it gets.
  async handleBatch(trx: Transaction<DB>, events) {
    const targets = readOncePerSlice(trx);
    for (const event of events) await fanOut(trx, event, targets);
  },
});
