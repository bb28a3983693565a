import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../database.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { defineSubscriber } from '../platform/events/subscriber.ts';
import { parseJsonOr } from '../platform/json.ts';

/** A reply counts for the campaign whose message the contact got last, within this long. */
export const REPLY_ATTRIBUTION_MS = 72 * 3_600_000;

/**
 * Marks a customer's reply to a campaign message: the recipient's first reply (and the quick reply
 * tapped, if any) and a `campaign.replied` event that rules and flows can trigger on. A reply that
 * quotes a campaign message (or taps its button) belongs to that campaign; otherwise to the last
 * campaign message the contact received within {@link REPLY_ATTRIBUTION_MS}.
 */
export const campaignRepliesSubscriber = defineSubscriber({
  name: 'campaigns.replies',
  types: ['message.received'],
  from: 'now',
  // Most customer messages answer no campaign: one query finds the round's contacts that were sent
  // one at all, and only their messages are looked at one by one.
  async handleBatch(trx: Transaction<DB>, events, context, hooks) {
    const db = trx as unknown as Kysely<DB>;
    const contacts = [...new Set(events.map((e) => e.payload.contact_id).filter((c) => c !== null))];
    if (contacts.length === 0) return;
    const reached = new Set(
      (
        await db
          .selectFrom('campaign_recipients')
          .select('contact_id')
          .distinct()
          .where('contact_id', 'in', contacts)
          .execute()
      ).map((r) => r.contact_id),
    );
    for (const event of events) {
      if (event.payload.contact_id && reached.has(event.payload.contact_id))
        await campaignRepliesSubscriber.handle(trx as never, event, context, hooks);
    }
  },
  async handle(trx: Transaction<DB>, event) {
    const db = trx as unknown as Kysely<DB>;
    const { message_id: messageId, contact_id: contactId } = event.payload;
    if (!contactId) return;
    const message = await db
      .selectFrom('messages')
      .select([
        'id',
        'type',
        'content_json',
        'context_wamid',
        'timestamp',
        'conversation_id',
        'phone_number_id',
      ])
      .where('id', '=', messageId)
      .executeTakeFirst();
    if (!message) return;
    let recipient = message.context_wamid
      ? await db
          .selectFrom('campaign_recipients as r')
          .innerJoin('messages as m', 'm.id', 'r.message_id')
          .select(['r.campaign_id', 'r.ordinal', 'r.replied_at', 'r.button_payload'])
          .where('m.wamid', '=', message.context_wamid)
          .executeTakeFirst()
      : undefined;
    if (!recipient) {
      recipient = await db
        .selectFrom('campaign_recipients as r')
        .select(['r.campaign_id', 'r.ordinal', 'r.replied_at', 'r.button_payload'])
        .where('r.contact_id', '=', contactId)
        .where('r.state', '=', 'queued')
        // Meta stamps a message to the second: a reply in the second the send was queued counts.
        .where('r.queued_at', '<', message.timestamp + 1_000)
        .where('r.queued_at', '>', message.timestamp - REPLY_ATTRIBUTION_MS)
        .orderBy('r.queued_at', 'desc')
        .limit(1)
        .executeTakeFirst();
    }
    if (!recipient) return;
    const content = parseJsonOr<Record<string, unknown>>(message.content_json, {});
    const button =
      message.type === 'button'
        ? String(content.payload ?? content.text ?? '')
        : message.type === 'interactive'
          ? String(
              ((content.button_reply as Record<string, unknown> | undefined)?.id ??
                (content.button_reply as Record<string, unknown> | undefined)?.title ??
                '') as string,
            )
          : '';
    const tapped = button !== '' ? button : null;
    if (recipient.replied_at !== null && (tapped === null || recipient.button_payload !== null)) return;
    await db
      .updateTable('campaign_recipients')
      .set({
        ...(recipient.replied_at === null
          ? { replied_at: message.timestamp, reply_message_id: message.id }
          : {}),
        ...(tapped !== null && recipient.button_payload === null ? { button_payload: tapped } : {}),
        updated_at: event.at,
      })
      .where('campaign_id', '=', recipient.campaign_id)
      .where('ordinal', '=', recipient.ordinal)
      .execute();
    await recordEvent(
      db,
      {
        type: 'campaign.replied',
        phoneNumberId: message.phone_number_id,
        payload: {
          campaign_id: recipient.campaign_id,
          contact_id: contactId,
          conversation_id: message.conversation_id,
          message_id: message.id,
          button_payload: tapped,
        },
      },
      event.at,
    );
  },
});
