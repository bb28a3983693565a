/**
 * The content of a message in the hub's one model, for both directions: its `type` (`text`,
 * `image`, `location`, `template`, …) and `body`, the type-named object in the Cloud API's shape
 * (`{ body }` for text, `{ id, mime_type, sha256, caption? }` for received media, …). `body` is
 * what `messages.content_json` stores; the outbound engine rebuilds what it sends from it
 * (`outbound/message-content.ts` `contentFromStored`).
 */
export type MessageContent = {
  readonly type: string;
  readonly body: unknown;
};

/** The stored form of a content body (`content_json`). */
export function contentJson(content: MessageContent): string {
  return JSON.stringify(content.body);
}
