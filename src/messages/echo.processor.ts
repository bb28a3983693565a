import { normalizePhone } from '../contacts/contact.repository.ts';
import { resolveParticipants } from '../contacts/participant.repository.ts';
import { resolveConversations } from '../conversations/conversation-batch.repository.ts';
import { contentJson } from './content.ts';
import type { EchoMessage } from './inbound-events.ts';
import { type Applied, type IngestContext, noteEcho, noteSummaryChange } from './ingest-context.ts';
import { applyToMessage } from './message.repository.ts';
import { insertMessages, replaceImportedCopies } from './message-batch.repository.ts';
import { newMessageRow } from './new-message-row.ts';

/** The user side of an echo: whichever of from/to is not the business (SDK fixtures swap them). */
function userOf(item: Applied<EchoMessage>) {
  const business = normalizePhone(item.displayPhoneNumber ?? item.number.display_phone_number);
  return normalizePhone(item.event.toPhone) === business ? item.event.from : item.event.to;
}

/**
 * Messages the business sent from the WhatsApp Business app (`smb_message_echoes`), a batch at a
 * time. Stored as outbound with origin `business_app`; they update the conversation summary and
 * the number's `last_echo_at`, and never touch the customer-service window or the unread count.
 * Edit, revoke and reaction echoes apply to the original message. An echo whose wamid was imported
 * with history first replaces the imported copy.
 */
export async function processEchoes(
  ctx: IngestContext,
  items: readonly Applied<EchoMessage>[],
): Promise<void> {
  if (items.length === 0) return;
  const { trx, now } = ctx;
  const contacts = await resolveParticipants(trx, {
    dialect: ctx.dialect,
    at: now,
    events: ctx.events,
    sightings: items.map((item) => ({
      phoneNumberId: item.number.id,
      ...userOf(item),
      at: now,
      seenAt: item.event.at ?? now,
    })),
  });
  const known = contacts.map((contact, i) => {
    if (!contact) throw new Error('echo names no user (to / to_user_id)');
    return { item: items[i] as Applied<EchoMessage>, contact };
  });
  const conversations = await resolveConversations(trx, {
    contacts: known.map(({ contact }) => ({ phoneNumberId: contact.phone_number_id, contactId: contact.id })),
    at: now,
    events: ctx.events,
  });
  const rows = known.flatMap(({ item, contact }) => {
    const { event, number, webhookEventId } = item;
    const conversation = conversations.get(contact.id);
    if (event.body.kind !== 'content' || !conversation) return [];
    return [
      newMessageRow({
        phone_number_id: number.id,
        conversation_id: conversation.id,
        contact_id: contact.id,
        wamid: event.wamid,
        direction: 'outbound',
        origin: 'business_app',
        type: event.body.content.type,
        content_json: contentJson(event.body.content),
        context_wamid: event.contextWamid,
        context_json: event.contextJson,
        errors_json: event.errorsJson,
        timestamp: event.at ?? now,
        received_at: now,
        status: 'sent',
        webhook_event_id: webhookEventId,
      }),
    ];
  });
  const inserted = await insertMessages(trx, { rows, at: now, events: ctx.events });
  const created = new Set(inserted.filter((r) => r.created).map((r) => r.row.wamid));
  // An echo copies only what the phone sent; the imported copy keeps its own ids and status.
  await replaceImportedCopies(trx, {
    inserted,
    events: ctx.events,
    live: (row) => ({
      origin: 'business_app',
      type: row.type,
      content_json: row.content_json,
      timestamp: row.timestamp,
      context_wamid: row.context_wamid,
      context_json: row.context_json,
    }),
  });

  for (const { item, contact } of known) {
    const { event, number } = item;
    const conversation = conversations.get(contact.id);
    if (!conversation) continue;
    const ts = event.at ?? now;
    const body = event.body;
    if (body.kind !== 'content') {
      if (body.target === null) throw new Error(`${body.kind} echo without the id of its message`);
      const change =
        body.kind === 'edit'
          ? { kind: 'edit' as const, type: body.content.type, content: body.content.body, at: ts }
          : body.kind === 'revoke'
            ? { kind: 'revoke' as const, at: ts }
            : {
                kind: 'reaction' as const,
                side: 'business' as const,
                emoji: body.emoji,
                wamid: event.wamid,
                at: ts,
              };
      await applyToMessage(trx, { phoneNumberId: number.id, targetWamid: body.target, change, at: now });
    }
    const candidate =
      body.kind === 'content' && created.has(event.wamid)
        ? { timestamp: ts, type: body.content.type, body: body.content.body }
        : null;
    noteSummaryChange(ctx, conversation, candidate);
    noteEcho(ctx, number, ts);
  }
}
