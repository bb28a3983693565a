import { resolveParticipants } from '../contacts/participant.repository.ts';
import type { StatusUpdate } from './inbound-events.ts';
import type { Applied, IngestContext } from './ingest-context.ts';
import { applyStatusEvents } from './status.repository.ts';

const CHUNK = 300;

/**
 * Delivery statuses (`statuses[]`), a batch at a time. Always logged in `message_status_events`
 * (one multi-row insert); applied to the message when it is known (by wamid, or by
 * `biz_opaque_callback_data` = our message id before the wamid is stored), otherwise kept and
 * applied when the message appears. A BSUID that arrives with a status is linked to the
 * recipient's contact.
 */
export async function processStatuses(
  ctx: IngestContext,
  items: readonly Applied<StatusUpdate>[],
): Promise<void> {
  if (items.length === 0) return;
  const { trx, now } = ctx;
  const rows = items.map(({ event, number, webhookEventId }) => ({
    phone_number_id: number.id,
    wamid: event.wamid,
    status: event.status,
    timestamp: event.at ?? now,
    recipient_id: event.recipientId,
    errors_json: event.errorsJson,
    pricing_json: event.pricingJson,
    conversation_json: event.conversationJson,
    biz_opaque_callback_data: event.opaque,
    raw_json: event.rawJson,
    webhook_event_id: webhookEventId,
    received_at: now,
  }));
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx
      .insertInto('message_status_events')
      .values(rows.slice(i, i + CHUNK))
      .execute();
  }
  const withRecipient = items.filter((i) => i.event.recipient !== null);
  if (withRecipient.length > 0) {
    await resolveParticipants(trx, {
      dialect: ctx.dialect,
      at: now,
      events: ctx.events,
      sightings: withRecipient.map(({ event, number }) => ({
        phoneNumberId: number.id,
        ...(event.recipient ?? {}),
        at: now,
      })),
    });
  }
  await linkWamids(
    ctx,
    items.filter((i) => i.event.opaque !== null),
  );

  // Apply per wamid, only where an outbound message with that wamid is stored.
  const byNumber = new Map<string, Set<string>>();
  for (const { event, number } of items) {
    const set = byNumber.get(number.id) ?? new Set<string>();
    set.add(event.wamid);
    byNumber.set(number.id, set);
  }
  for (const [pn, set] of byNumber) {
    const wamids = [...set];
    for (let i = 0; i < wamids.length; i += CHUNK) {
      const stored = await trx
        .selectFrom('messages')
        .select('wamid')
        .where('phone_number_id', '=', pn)
        .where('wamid', 'in', wamids.slice(i, i + CHUNK))
        .where('direction', '=', 'outbound')
        .execute();
      for (const m of stored) {
        if (m.wamid !== null) await applyStatusEvents(trx, { phoneNumberId: pn, wamid: m.wamid, at: now });
      }
    }
  }
}

/** A status naming our message id (`biz_opaque_callback_data`) gives a sent message its wamid. */
async function linkWamids(ctx: IngestContext, items: readonly Applied<StatusUpdate>[]): Promise<void> {
  if (items.length === 0) return;
  const { trx } = ctx;
  const ids = [...new Set(items.map((i) => i.event.opaque as string))];
  const waiting = new Map<string, { id: string; phone_number_id: string; conversation_id: string }>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await trx
      .selectFrom('messages')
      .select(['id', 'phone_number_id', 'conversation_id'])
      .where('id', 'in', ids.slice(i, i + CHUNK))
      .where('wamid', 'is', null)
      .execute();
    for (const r of rows) waiting.set(r.id, r);
  }
  for (const { event, number } of items) {
    const byId = waiting.get(event.opaque as string);
    if (!byId || byId.phone_number_id !== number.id) continue;
    const taken = await trx
      .selectFrom('messages')
      .select('id')
      .where('phone_number_id', '=', number.id)
      .where('wamid', '=', event.wamid)
      .executeTakeFirst();
    if (taken) continue;
    await trx.updateTable('messages').set({ wamid: event.wamid }).where('id', '=', byId.id).execute();
    waiting.delete(byId.id);
    ctx.events.push({
      type: 'message.updated',
      phoneNumberId: number.id,
      payload: { message_id: byId.id, conversation_id: byId.conversation_id, change: 'wamid' },
    });
  }
}
