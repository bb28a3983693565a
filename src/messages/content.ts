/**
 * The content of a message in the hub's one model, for both directions: its `type` (`text`,
 * `image`, `location`, `template`, …) and `body`, the type-named object in the Cloud API's shape.
 * A customer's message is parsed into it at the edge (`meta-webhooks/parse`), a send is built as
 * one (`outbound/enqueue-send.ts`), `messages.content_json` stores its `body`, the per-number
 * sender rebuilds it from there ({@link contentFromStored}) and the Graph client writes the wire
 * body from it (`graph/send-body.ts`).
 */
export type MessageContent = SendableContent | ReceivedOnlyContent;

export const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

/** `text`: the Cloud API's text object. */
export type TextBody = { body: string; preview_url?: boolean };

/**
 * A media object. A received one carries Meta's `id`, `mime_type` and `sha256`; a sent one a hub
 * `media_id` (uploaded to Meta) or a `link`, which the Graph client writes as Meta's `id`/`link`.
 */
export type MediaBody = {
  id?: string;
  media_id?: string;
  link?: string;
  mime_type?: string;
  sha256?: string;
  caption?: string;
  filename?: string;
  animated?: boolean;
  voice?: boolean;
};

export type LocationBody = {
  latitude: number;
  longitude: number;
  name?: string;
  address?: string;
  url?: string;
};

/** `reaction`: the message reacted to (a wamid once resolved for sending) and the emoji, `""` to remove. */
export type ReactionBody = { message_id: string; emoji: string };

export type TemplateComponent = {
  type: string;
  sub_type?: string;
  index?: string | number;
  parameters?: Record<string, unknown>[];
};

/** `template`: a template as sent, with its final components. */
export type TemplateBody = { name: string; language: string; components: TemplateComponent[] };

/** Content of a type the hub can send (customers can send all of these too). */
export type SendableContent =
  | { readonly type: 'text'; readonly body: TextBody }
  | { readonly type: MediaType; readonly body: MediaBody }
  | { readonly type: 'location'; readonly body: LocationBody }
  | { readonly type: 'contacts'; readonly body: Record<string, unknown>[] }
  | { readonly type: 'reaction'; readonly body: ReactionBody }
  | { readonly type: 'template'; readonly body: TemplateBody }
  | { readonly type: 'interactive'; readonly body: Record<string, unknown> };

export type SendableType = SendableContent['type'];

/**
 * Content of a type only customers' messages have (`button`, `order`, `system`, `unsupported`,
 * an interactive reply arrives as `interactive`), with its body as Meta sent it.
 */
export type ReceivedOnlyContent = { readonly type: string; readonly body: unknown };

const SENDABLE: ReadonlySet<string> = new Set<SendableType>([
  'text',
  ...MEDIA_TYPES,
  'location',
  'contacts',
  'reaction',
  'template',
  'interactive',
]);

export function isMediaType(type: string): type is MediaType {
  return (MEDIA_TYPES as readonly string[]).includes(type);
}

/** Whether content of this type can be sent by the hub. */
export function isSendableType(type: string): type is SendableType {
  return SENDABLE.has(type);
}

/** The stored form of a content body (`content_json`). */
export function contentJson(content: MessageContent): string {
  return JSON.stringify(content.body);
}

/** Rebuilds sendable content from what was stored in `content_json` for a send. */
export function contentFromStored(type: string, json: string): SendableContent {
  if (!isSendableType(type)) throw new Error(`cannot send stored content of type ${type}`);
  return { type, body: JSON.parse(json) } as SendableContent;
}

/** A one-line preview of content (the conversation list, notifications), at most 200 characters. */
export function contentPreview(content: SendableContent): string {
  switch (content.type) {
    case 'text':
      return content.body.body.slice(0, 200);
    case 'template':
      return `[template: ${content.body.name}]`;
    case 'reaction':
      return content.body.emoji ? `[reaction ${content.body.emoji}]` : '[reaction removed]';
    default:
      if (isMediaType(content.type) && (content.body as MediaBody).caption) {
        return ((content.body as MediaBody).caption ?? '').slice(0, 200);
      }
      return `[${content.type}]`;
  }
}
