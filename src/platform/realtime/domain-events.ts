import type { Kysely, Transaction } from 'kysely';
import type { EventLogTables } from '../events/event.table.ts';

/** The domain events the realtime stream carries. */
export type DomainEventType =
  | 'message.added'
  | 'message.changed'
  | 'conversation.changed'
  | 'contact.changed'
  | 'number.changed'
  | 'failure.recorded'
  | 'alert.raised';

export type DomainEvent = {
  type: DomainEventType;
  phoneNumberId: string | null;
  payload: Record<string, unknown>;
};

/**
 * Appends a domain event inside the caller's transaction, so the event exists exactly when the
 * change it describes is committed. The stream reads this log, which is what lets every node see
 * every event and a client resume from its last event id.
 */
export async function recordDomainEvent(
  trx: Kysely<EventLogTables> | Transaction<EventLogTables>,
  event: DomainEvent,
  at: number,
): Promise<void> {
  await trx
    .insertInto('domain_events')
    .values({
      type: event.type,
      phone_number_id: event.phoneNumberId,
      payload_json: JSON.stringify(event.payload),
      created_at: at,
    })
    .execute();
}
