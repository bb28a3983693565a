import { findOrCreateContact } from '../contacts/contact.repository.ts';
import { contactEntry, type ItemContext, identityOf, numberForItem } from '../meta-webhooks/item-context.ts';
import { isObject, secondsToMs, str, type WebhookItem } from '../meta-webhooks/meta-payload.parser.ts';
import { messageEvent } from './message.repository.ts';
import { applyStatusEvents } from './status.repository.ts';

type StatusItem = Extract<WebhookItem, { kind: 'status' }>;

/**
 * A delivery status (`statuses[]`). Always logged in `message_status_events`; applied to the message
 * when it is known (by wamid, or by `biz_opaque_callback_data` = our message id before the wamid is
 * stored), otherwise kept and applied when the message appears.
 */
export async function processStatus(ctx: ItemContext, item: StatusItem): Promise<void> {
  const { trx, now } = ctx;
  const number = await numberForItem(ctx, item);
  const s = item.status;
  const wamid = str(s.id) as string;
  const opaque = str(s.biz_opaque_callback_data);
  const errors = Array.isArray(s.errors) && s.errors.length > 0 ? JSON.stringify(s.errors) : null;
  await trx
    .insertInto('message_status_events')
    .values({
      phone_number_id: number.id,
      wamid,
      status: str(s.status) ?? 'unknown',
      timestamp: secondsToMs(s.timestamp) ?? now,
      recipient_id: str(s.recipient_id),
      errors_json: errors,
      pricing_json: isObject(s.pricing) ? JSON.stringify(s.pricing) : null,
      conversation_json: isObject(s.conversation) ? JSON.stringify(s.conversation) : null,
      biz_opaque_callback_data: opaque,
      raw_json: JSON.stringify(s),
      webhook_event_id: ctx.webhookEventId,
      received_at: now,
    })
    .execute();
  // Link a BSUID that arrives with the status to the recipient's contact.
  const recipientBsuid = str(s.recipient_user_id);
  if (recipientBsuid !== null) {
    const who = identityOf(contactEntry(item.contacts, str(s.recipient_id), recipientBsuid));
    await findOrCreateContact(trx, {
      phoneNumberId: number.id,
      waId: str(s.recipient_id) ?? who.waId,
      bsuid: recipientBsuid,
      parentBsuid: who.parentBsuid,
      username: who.username,
      profileName: who.profileName,
      at: now,
    });
  }
  if (opaque !== null) {
    const byId = await trx
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', opaque)
      .where('phone_number_id', '=', number.id)
      .where('wamid', 'is', null)
      .executeTakeFirst();
    if (byId) {
      const taken = await trx
        .selectFrom('messages')
        .select('id')
        .where('phone_number_id', '=', number.id)
        .where('wamid', '=', wamid)
        .executeTakeFirst();
      if (!taken) {
        await trx.updateTable('messages').set({ wamid }).where('id', '=', byId.id).execute();
        await messageEvent(trx, 'message.changed', byId, now, 'wamid');
      }
    }
  }
  await applyStatusEvents(trx, { phoneNumberId: number.id, wamid, at: now });
}
