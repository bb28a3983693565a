import type { OutboundContent } from '../outbound/message-content.ts';
import type { SendRequest } from './graph-client.ts';

type Json = Record<string, unknown>;

function mediaObject(m: { media_id?: string; link?: string; caption?: string; filename?: string }): Json {
  const out: Json = m.media_id !== undefined ? { id: m.media_id } : { link: m.link };
  if (m.caption !== undefined) out.caption = m.caption;
  if (m.filename !== undefined) out.filename = m.filename;
  return out;
}

/** Meta's media header/parameter objects name the media `id`; the hub's API says `media_id`. */
function renameMediaIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(renameMediaIds);
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json)) out[k === 'media_id' ? 'id' : k] = renameMediaIds(v);
  return out;
}

function typeObject(content: OutboundContent): [string, unknown] {
  switch (content.type) {
    case 'text':
      return ['text', content.text];
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker':
      return [content.type, mediaObject(content.media)];
    case 'location':
      return ['location', content.location];
    case 'contacts':
      return ['contacts', content.contacts];
    case 'reaction':
      return ['reaction', { message_id: content.reaction.wamid, emoji: content.reaction.emoji }];
    case 'template': {
      const t: Json = { name: content.template.name, language: { code: content.template.language } };
      if (content.template.components.length > 0) t.components = renameMediaIds(content.template.components);
      return ['template', t];
    }
    case 'interactive':
      return ['interactive', renameMediaIds(content.interactive)];
  }
}

/** The JSON body of `POST /{phone_number_id}/messages` for one hub send (cloud-api.md §3.1). */
export function toSendBody(request: SendRequest): Json {
  const body: Json = { messaging_product: 'whatsapp', recipient_type: 'individual' };
  // Always full E.164 with '+': without it Meta prefixes the business number's country code.
  if (request.to.waId) body.to = `+${request.to.waId}`;
  else body.recipient = request.to.bsuid;
  const [type, object] = typeObject(request.content);
  body.type = type;
  body[type] = object;
  if (request.contextWamid && request.content.type !== 'reaction') {
    body.context = { message_id: request.contextWamid };
  }
  body.biz_opaque_callback_data = request.callbackData;
  return body;
}
