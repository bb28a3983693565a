import { translate } from '../../../i18n/index.ts';

/** Reads Meta-shaped message content (`{ [type]: {...} }` or the type object itself) safely. */

export type Obj = Record<string, unknown>;

export function asObj(value: unknown): Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : {};
}

export function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The type-specific object of a message: `content.image` for an image, or the content itself. */
export function typeBody(type: string, content: unknown): Obj {
  const root = asObj(content);
  const inner = root[type];
  return inner !== undefined && typeof inner === 'object' ? asObj(inner) : root;
}

const mediaTypes = new Set(['image', 'video', 'audio', 'document', 'sticker']);

export function isMedia(type: string): boolean {
  return mediaTypes.has(type);
}

/** A one-line description of a message, for quotes and lists. */
export function messagePreview(type: string, content: unknown): string {
  const body = typeBody(type, content);
  switch (type) {
    case 'text':
      return str(body.body) ?? str(asObj(content).body) ?? '';
    case 'image':
      return `📷 ${str(body.caption) ?? translate('inbox:content.photo')}`;
    case 'video':
      return `🎥 ${str(body.caption) ?? translate('inbox:content.video')}`;
    case 'audio':
      return body.voice
        ? `🎤 ${translate('inbox:content.voice')}`
        : `🎵 ${translate('inbox:content.audioShort')}`;
    case 'document':
      return `📄 ${str(body.filename) ?? str(body.caption) ?? translate('inbox:content.document')}`;
    case 'sticker':
      return translate('inbox:content.sticker');
    case 'location':
      return `📍 ${str(body.name) ?? str(body.address) ?? translate('inbox:content.location')}`;
    case 'contacts':
      return `👤 ${translate('inbox:content.contactCard')}`;
    case 'template':
      return translate('inbox:content.template', { name: str(body.name) ?? '' });
    case 'interactive': {
      const reply = asObj(body.button_reply ?? body.list_reply);
      return str(reply.title) ?? str(asObj(body.body).text) ?? translate('inbox:content.interactive');
    }
    case 'button':
      return str(body.text) ?? translate('inbox:content.button');
    case 'reaction':
      return translate('inbox:content.reacted', { emoji: str(body.emoji) ?? '' });
    default:
      return translate('inbox:content.unsupportedType', { type });
  }
}
