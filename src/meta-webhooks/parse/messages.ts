import type { InboundBody, InboundMessage, StatusUpdate } from '../../messages/inbound-events.ts';
import { hashKey, type ItemSink } from './items.ts';
import { isObject, type Json, listJson, objectJson, objectOr, objects, secondsToMs, str } from './json.ts';
import { contentOf, participantOf } from './participants.ts';

/** Inbound types stored as they are; anything else is stored as `unsupported`. */
const KNOWN_TYPES = new Set([
  'text',
  'image',
  'video',
  'document',
  'audio',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'button',
  'order',
  'system',
  'unsupported',
  'request_welcome',
]);

/** The `messages` field: live customer messages, delivery statuses, value-level errors. */
export function parseMessagesField(value: Json, path: string, sink: ItemSink): void {
  const contacts = objects(value.contacts);
  const { origin, pn } = sink;
  objects(value.messages).forEach((m, i) => {
    const p = `${path}.messages[${i}]`;
    const id = sink.needsNumber(p, m) ? sink.wamidOf(p, m) : null;
    if (id !== null)
      sink.push({
        ...origin,
        kind: 'message',
        path: p,
        raw: m,
        event: inboundMessage(m, id, contacts),
        dedupKey: `m:${pn}:${id}`,
      });
  });
  objects(value.statuses).forEach((s, i) => {
    const p = `${path}.statuses[${i}]`;
    const id = sink.needsNumber(p, s) ? sink.wamidOf(p, s) : null;
    if (id === null) return;
    const status = str(s.status) ?? '';
    const codes = objects(s.errors)
      .map((e) => str(e.code) ?? '')
      .sort()
      .join(',');
    const key = `s:${pn}:${id}:${status}${status === 'failed' ? `:${codes}` : ''}`;
    sink.push({
      ...origin,
      kind: 'status',
      path: p,
      raw: s,
      event: statusUpdate(s, id, contacts),
      dedupKey: key,
    });
  });
  if (Array.isArray(value.errors) && value.errors.length > 0) {
    sink.push({
      ...origin,
      kind: 'value_errors',
      path: `${path}.errors`,
      event: { errorsJson: JSON.stringify(objects(value.errors)) },
      dedupKey: hashKey(origin, 'errors', value),
    });
  }
}

function inboundMessage(m: Json, wamid: string, contacts: Json[]): InboundMessage {
  const from = participantOf(contacts, {
    waId: str(m.from),
    bsuid: str(m.from_user_id),
    parentBsuid: str(m.from_parent_user_id),
  });
  const context = isObject(m.context) ? m.context : null;
  return {
    wamid,
    at: secondsToMs(m.timestamp),
    from,
    body: inboundBody(m),
    contextWamid: context ? str(context.id) : null,
    contextJson: objectJson(context),
    referralJson: objectJson(m.referral),
    errorsJson: listJson(m.errors),
  };
}

function inboundBody(m: Json): InboundBody {
  const rawType = str(m.type) ?? 'unsupported';
  if (rawType === 'reaction' || rawType === 'edit' || rawType === 'revoke') {
    const obj = objectOr(m[rawType]);
    const target = str(obj.message_id) ?? str(obj.original_message_id);
    if (rawType === 'reaction') return { kind: 'reaction', target, emoji: str(obj.emoji) ?? '' };
    if (rawType === 'revoke') return { kind: 'revoke', target };
    const inner = objectOr(obj.message);
    return { kind: 'edit', target, content: contentOf(inner, str(inner.type) ?? 'text') };
  }
  const known = KNOWN_TYPES.has(rawType);
  const content = known
    ? contentOf(m, rawType)
    : { type: 'unsupported', body: { type: rawType, [rawType]: m[rawType] ?? null } };
  const system = rawType === 'system' ? objectOr(m.system) : null;
  return {
    kind: 'content',
    content,
    systemType: system ? str(system.type) : null,
    newWaId: system ? (str(system.wa_id) ?? str(system.new_wa_id)) : null,
  };
}

function statusUpdate(s: Json, wamid: string, contacts: Json[]): StatusUpdate {
  const recipientBsuid = str(s.recipient_user_id);
  return {
    wamid,
    status: str(s.status) ?? 'unknown',
    at: secondsToMs(s.timestamp),
    recipientId: str(s.recipient_id),
    recipient:
      recipientBsuid === null
        ? null
        : participantOf(contacts, { waId: str(s.recipient_id), bsuid: recipientBsuid }),
    opaque: str(s.biz_opaque_callback_data),
    errorsJson: listJson(s.errors),
    pricingJson: objectJson(s.pricing),
    conversationJson: objectJson(s.conversation),
    rawJson: JSON.stringify(s),
  };
}
