import type { Kysely, Transaction } from 'kysely';
import { DEFAULT_ORGANISATION_ID, singleOrganisation } from '../../auth/organisation-scope.ts';
import type { DB } from '../../database.ts';
import { newId } from '../../platform/ids.ts';
import { iso } from '../../platform/time.ts';
import { enqueueAttempt } from './delivery.job.ts';
import { eventTypesOf } from './endpoint.queries.ts';
import type { WebhookEndpointRow } from './outbound-webhook.table.ts';

/** An event from the log, as deliveries are built from it. */
export type LoggedEvent = {
  readonly id: number;
  readonly type: string;
  readonly phoneNumberId: string | null;
  readonly payload: unknown;
  readonly at: number;
};

/** The body every receiver gets (the Standard Webhooks shape): `{ type, timestamp, data }`. */
export function deliveryBody(event: LoggedEvent): string {
  const data = { ...(event.payload as Record<string, unknown>), phone_number_id: event.phoneNumberId };
  return JSON.stringify({ type: event.type, timestamp: iso(event.at), data });
}

/** The `webhook-id` of an event: the same for every endpoint, retry and resend. */
export const messageIdOf = (eventId: number) => `msg_${eventId}`;

/** Where an event happened, as far as endpoints care. */
export type EventTarget = {
  /** The business account of the event's number (`null` for an event of no number). */
  numberWaba: string | null;
  /** Whether endpoints for every account get it: the default organisation's events only (`sharedRowsApplyTo`). */
  shared: boolean;
};

/**
 * Whether an endpoint wants an event: its types, and its business account's numbers when scoped.
 * An endpoint for every account is the default organisation's, so it never gets another
 * organisation's events.
 */
export function wants(
  endpoint: WebhookEndpointRow,
  event: Pick<LoggedEvent, 'type' | 'phoneNumberId'>,
  target: EventTarget,
): boolean {
  if (!eventTypesOf(endpoint).includes(event.type)) return false;
  if (endpoint.waba_id === null) return target.shared;
  return event.phoneNumberId !== null && target.numberWaba === endpoint.waba_id;
}

/**
 * The delivery of `event` to `endpoint` with its first attempt due now, unless it exists already
 * (one per endpoint and event: a redelivered event adds nothing). Returns whether it was created.
 */
export async function createDelivery(
  trx: Kysely<DB> | Transaction<DB>,
  input: { endpoint: WebhookEndpointRow; event: LoggedEvent; now: number },
): Promise<boolean> {
  const id = newId();
  const inserted = await trx
    .insertInto('webhook_deliveries')
    .values({
      id,
      endpoint_id: input.endpoint.id,
      event_id: input.event.id,
      event_type: input.event.type,
      message_id: messageIdOf(input.event.id),
      body: deliveryBody(input.event),
      state: 'pending',
      attempts: 0,
      next_attempt_at: input.now,
      last_status: null,
      last_error: null,
      generation: 0,
      created_at: input.now,
      updated_at: input.now,
      finished_at: null,
    })
    .onConflict((oc) => oc.columns(['endpoint_id', 'event_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return false;
  await enqueueAttempt(trx, { delivery_id: id, generation: 0, attempt: 1, runAt: input.now, now: input.now });
  return true;
}

/**
 * Sends a delivery again from its first attempt (a new generation: the old schedule's jobs become
 * stale), whatever its state. Returns false when a resend is already waiting for its first attempt.
 */
export async function resendDelivery(db: Kysely<DB>, input: { id: string; now: number }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('webhook_deliveries')
      .select(['generation', 'state', 'attempts'])
      .where('id', '=', input.id)
      .executeTakeFirstOrThrow();
    if (row.state === 'pending' && row.attempts === 0) return false;
    const generation = row.generation + 1;
    await trx
      .updateTable('webhook_deliveries')
      .set({
        state: 'pending',
        attempts: 0,
        generation,
        next_attempt_at: input.now,
        finished_at: null,
        updated_at: input.now,
      })
      .where('id', '=', input.id)
      .execute();
    await enqueueAttempt(trx, {
      delivery_id: input.id,
      generation,
      attempt: 1,
      runAt: input.now,
      now: input.now,
    });
    return true;
  });
}

/**
 * "Recover everything since": every event of the endpoint's types logged at or after `since` that
 * it has no delivery of gets one, and its failed deliveries of that span are sent again. Bounded by
 * what the event log still keeps (`COEXIST_EVENT_RETENTION_MS`). Returns how many were queued.
 */
export async function recoverSince(
  db: Kysely<DB>,
  input: { endpoint: WebhookEndpointRow; since: number; now: number },
): Promise<{ created: number; resent: number }> {
  const types = eventTypesOf(input.endpoint);
  if (types.length === 0) return { created: 0, resent: 0 };
  let created = 0;
  let after = 0;
  const single = await singleOrganisation(db);
  for (;;) {
    const rows = await db
      .selectFrom('domain_events')
      .leftJoin('phone_numbers', 'phone_numbers.id', 'domain_events.phone_number_id')
      .leftJoin('wabas', 'wabas.id', 'phone_numbers.waba_id')
      .select([
        'wabas.organisation_id',
        'domain_events.id',
        'domain_events.fact',
        'domain_events.phone_number_id',
        'domain_events.payload_json',
        'domain_events.created_at',
        'phone_numbers.waba_id',
      ])
      .where('domain_events.fact', 'in', types)
      .where('domain_events.created_at', '>=', input.since)
      .where('domain_events.id', '>', after)
      .orderBy('domain_events.id')
      .limit(500)
      .execute();
    if (rows.length === 0) break;
    await db.transaction().execute(async (trx) => {
      for (const row of rows) {
        const event: LoggedEvent = {
          id: Number(row.id),
          type: row.fact ?? '',
          phoneNumberId: row.phone_number_id,
          payload: JSON.parse(row.payload_json),
          at: Number(row.created_at),
        };
        const shared =
          single || (row.phone_number_id !== null && row.organisation_id === DEFAULT_ORGANISATION_ID);
        if (!wants(input.endpoint, event, { numberWaba: row.waba_id ?? null, shared })) continue;
        if (await createDelivery(trx, { endpoint: input.endpoint, event, now: input.now })) created += 1;
      }
    });
    after = Number(rows[rows.length - 1]?.id ?? after);
  }
  const failed = await db
    .selectFrom('webhook_deliveries')
    .select('id')
    .where('endpoint_id', '=', input.endpoint.id)
    .where('state', '=', 'failed')
    .where('created_at', '>=', input.since)
    .execute();
  let resent = 0;
  for (const { id } of failed) if (await resendDelivery(db, { id, now: input.now })) resent += 1;
  return { created, resent };
}
