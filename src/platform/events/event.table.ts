import type { Generated, Selectable } from 'kysely';

/**
 * The event log. `fact` is the catalogue type (`message.received`, …; null on rows written before
 * the catalogue); `type` is the stream notice it travels as (`message.added`, …), which is what the
 * realtime stream and older readers use. `id` is the position subscribers and stream clients resume from.
 */
export interface DomainEventTable {
  id: Generated<number>;
  type: string;
  fact: string | null;
  phone_number_id: string | null;
  payload_json: string;
  created_at: number;
}

export type DomainEventRow = Selectable<DomainEventTable>;

/** Where each durable subscriber has got to, and which node runs it (a lease). */
export interface EventCursorTable {
  subscriber: string;
  /** The id of the last event this subscriber has passed (handled, or parked as a failure). */
  position: number;
  lease_owner: string | null;
  lease_until: number | null;
  updated_at: number;
}

/** A state of a {@link SubscriberFailureTable} row. */
export type SubscriberFailureState = 'retrying' | 'failed' | 'resolved';

/**
 * An event a subscriber could not handle. `retrying`: the subscriber waits on it with backoff;
 * `failed`: it gave up after its attempts and went on (an operator may retry it); `resolved`: a later
 * attempt succeeded.
 */
export interface SubscriberFailureTable {
  subscriber: string;
  event_id: number;
  event_type: string;
  phone_number_id: string | null;
  state: SubscriberFailureState;
  attempts: number;
  error: string;
  next_attempt_at: number | null;
  created_at: number;
  updated_at: number;
  resolved_at: number | null;
}

export type SubscriberFailureRow = Selectable<SubscriberFailureTable>;

/** The log alone: what recording an event needs. */
export interface EventLogTables {
  domain_events: DomainEventTable;
}

/** The tables of the event bus. */
export interface EventTables extends EventLogTables {
  event_cursors: EventCursorTable;
  subscriber_failures: SubscriberFailureTable;
}
