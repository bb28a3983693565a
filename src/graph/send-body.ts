import type { MediaBody, SendableContent } from '../messages/content.ts';
import type { SendRequest } from './graph-client.ts';

type Json = Record<string, unknown>;

function mediaObject(m: MediaBody): Json {
  const id = m.media_id ?? m.id;
  const out: Json = id !== undefined ? { id } : { link: m.link };
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

function typeObject(content: SendableContent): [string, unknown] {
  switch (content.type) {
    case 'text':
      return ['text', content.body];
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker':
      return [content.type, mediaObject(content.body)];
    case 'location':
      return ['location', content.body];
    case 'contacts':
      return ['contacts', content.body];
    case 'reaction':
      return ['reaction', { message_id: content.body.message_id, emoji: content.body.emoji }];
    case 'template': {
      const t: Json = { name: content.body.name, language: { code: content.body.language } };
      if (content.body.components.length > 0) t.components = renameMediaIds(content.body.components);
      return ['template', t];
    }
    case 'interactive':
      return ['interactive', renameMediaIds(content.body)];
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
