import type { Transaction } from 'kysely';
import type { DB } from '../database.ts';
import { defineSubscriber } from '../platform/events/subscriber.ts';
import { enqueueJob } from '../platform/jobs/job.repository.ts';
import { syncHealthNumberJob } from './sync-health.job.ts';

/**
 * A number offboarded, removed or reconnected is re-checked at once rather than at the next
 * periodic run: the event enqueues the number's check (keyed by the event, so a redelivered event
 * enqueues nothing more).
 */
export const syncHealthSubscriber = defineSubscriber({
  name: 'sync-health.connection',
  types: ['number.connection_changed'],
  from: 'now',
  async handle(trx: Transaction<DB>, event) {
    const phoneNumberId = event.payload.phone_number_id;
    await enqueueJob(
      trx,
      syncHealthNumberJob,
      { phone_number_id: phoneNumberId },
      { now: event.at, key: `sync-health:${event.id}` },
    );
  },
});
