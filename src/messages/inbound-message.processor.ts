import { normalizePhone } from '../contacts/contact.repository.ts';
import { recordNumberChange } from '../contacts/number-change.repository.ts';
import { resolveParticipants } from '../contacts/participant.repository.ts';
import { resolveConversations } from '../conversations/conversation-batch.repository.ts';
import { contentJson } from './content.ts';
import type { InboundMessage } from './inbound-events.ts';
import { type Applied, type IngestContext, noteLiveActivity, noteSummaryChange } from './ingest-context.ts';
import { applyToMessage } from './message.repository.ts';
import { insertMessages, replaceImportedCopies } from './message-batch.repository.ts';
import { newMessageRow } from './new-message-row.ts';

/**
 * Live inbound messages (`messages` field), a batch at a time. Creates the contacts and
 * conversations, stores the messages and — being live and from the customer — moves the
 * customer-service window, the free-entry-point window (referrals), the unread count and the
 * conversation summary (at {@link flushIngest}). Reactions, edits and revokes apply to the message
 * they name (or wait for it). A message whose wamid was imported with history first replaces the
 * imported copy. Throws if an item cannot apply (the caller then isolates the items).
 */
export async function processInboundMessages(
  ctx: IngestContext,
  items: readonly Applied<InboundMessage>[],
): Promise<void> {
  if (items.length === 0) return;
  const { trx, now } = ctx;
  const contacts = await resolveParticipants(trx, {
    dialect: ctx.dialect,
    at: now,
    events: ctx.events,
    sightings: items.map(({ event, number }) => ({
      phoneNumberId: number.id,
      ...event.from,
      at: now,
      seenAt: event.at ?? now,
    })),
  });
  const known = contacts.map((contact, i) => {
    if (!contact) throw new Error('message has neither from nor from_user_id');
    return { item: items[i] as Applied<InboundMessage>, contact };
  });
  const conversations = await resolveConversations(trx, {
    contacts: known.map(({ contact }) => ({ phoneNumberId: contact.phone_number_id, contactId: contact.id })),
    at: now,
    events: ctx.events,
  });
  const rows = known.flatMap(({ item, contact }) => {
    const { event, number, webhookEventId } = item;
    if (event.body.kind !== 'content') return [];
    const conversation = conversations.get(contact.id);
    if (!conversation) return [];
    const ts = event.at ?? now;
    return [
      newMessageRow({
        phone_number_id: number.id,
        conversation_id: conversation.id,
        contact_id: contact.id,
        wamid: event.wamid,
        direction: 'inbound',
        origin: 'customer',
        type: event.body.content.type,
        content_json: contentJson(event.body.content),
        context_wamid: event.contextWamid,
        context_json: event.contextJson,
        referral_json: event.referralJson,
        errors_json: event.errorsJson,
        timestamp: ts,
        received_at: now,
        status: 'received',
        webhook_event_id: webhookEventId,
      }),
    ];
  });
  const inserted = await insertMessages(trx, { rows, at: now, events: ctx.events });
  const created = new Set(inserted.filter((r) => r.created).map((r) => r.row.wamid));
  await replaceImportedCopies(trx, {
    inserted,
    events: ctx.events,
    live: ({
      id: _id,
      conversation_id: _c,
      contact_id: _k,
      history_status: _h,
      webhook_event_id: _w,
      ...live
    }) => live,
  });

  for (const { item, contact } of known) {
    const { event, number } = item;
    const conversation = conversations.get(contact.id);
    if (!conversation) continue;
    const ts = event.at ?? now;
    const body = event.body;
    switch (body.kind) {
      case 'content': {
        const candidate = created.has(event.wamid)
          ? { timestamp: ts, type: body.content.type, body: body.content.body }
          : null;
        if (body.content.type === 'system') {
          const kind = body.systemType;
          if (
            (kind === 'user_changed_number' || kind === 'customer_changed_number') &&
            body.newWaId !== null
          ) {
            // The contact as it is now (an earlier item of the batch may have changed it).
            const current = await trx
              .selectFrom('contacts')
              .selectAll()
              .where('id', '=', contact.id)
              .executeTakeFirstOrThrow();
            await recordNumberChange(trx, {
              contact: current,
              newWaId: body.newWaId,
              changedAt: ts,
              wamid: event.wamid,
              at: now,
            });
          }
          noteSummaryChange(ctx, conversation, candidate);
        } else {
          noteLiveActivity(ctx, conversation, {
            at: ts,
            referral: event.referralJson !== null,
            unread: true,
          });
          noteSummaryChange(ctx, conversation, candidate);
        }
        break;
      }
      case 'reaction': {
        if (body.target === null) throw new Error('reaction without the id of its message');
        const change = {
          kind: 'reaction' as const,
          side: 'customer' as const,
          emoji: body.emoji,
          wamid: event.wamid,
          at: ts,
        };
        await applyToMessage(trx, { phoneNumberId: number.id, targetWamid: body.target, change, at: now });
        noteLiveActivity(ctx, conversation, { at: ts, referral: false, unread: false });
        break;
      }
      case 'edit': {
        if (body.target === null) throw new Error('edit without the id of its message');
        const change = { kind: 'edit' as const, type: body.content.type, content: body.content.body, at: ts };
        await applyToMessage(trx, { phoneNumberId: number.id, targetWamid: body.target, change, at: now });
        noteSummaryChange(ctx, conversation);
        break;
      }
      case 'revoke':
        if (body.target === null) throw new Error('revoke without the id of its message');
        await applyToMessage(trx, {
          phoneNumberId: number.id,
          targetWamid: body.target,
          change: { kind: 'revoke', at: ts },
          at: now,
        });
        break;
    }
  }
}

/** Whether an inbound message changes who its contact is (a number change): such items apply alone. */
export function changesContact(event: InboundMessage): boolean {
  return (
    event.body.kind === 'content' &&
    event.body.newWaId !== null &&
    normalizePhone(event.body.newWaId) !== null
  );
}
