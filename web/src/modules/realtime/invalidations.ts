import type { QueryKey } from '@tanstack/react-query';
import type { StreamNotice } from '../../../../src/platform/events/catalogue.ts';

function field(value: unknown, ...path: string[]): string | null {
  let current: unknown = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return null;
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === 'string' ? current : null;
}

/** The conversation an event is about, wherever the stream puts it. */
function conversationIdOf(data: unknown): string | null {
  return (
    field(data, 'conversation_id') ??
    field(data, 'payload', 'conversation_id') ??
    field(data, 'payload', 'conversation', 'id') ??
    field(data, 'payload', 'message', 'conversation_id') ??
    field(data, 'conversation', 'id') ??
    field(data, 'message', 'conversation_id')
  );
}

/** Which cached queries an event from the stream makes stale. */
export function invalidationsFor(type: string, data: unknown): QueryKey[] {
  const eventType = (field(data, 'type') ?? type) as StreamNotice;
  const conversationId = conversationIdOf(data);
  const conversationKeys: QueryKey[] = conversationId
    ? [
        ['messages', conversationId],
        ['conversation', conversationId],
        ['notes', conversationId],
      ]
    : [['messages'], ['conversation'], ['notes']];
  switch (eventType) {
    case 'message.added':
    case 'message.changed':
      return [['conversations'], ['supervisor'], ...conversationKeys];
    case 'conversation.changed':
      return [['conversations'], ['supervisor'], ...conversationKeys];
    case 'contact.changed':
      return [['conversations'], ['contact'], ['conversation']];
    case 'number.changed':
      return [['numbers']];
    case 'failure.recorded':
      return [['failures']];
    case 'alert.raised':
      return [['alerts'], ['numbers']];
    case 'user.changed':
      return [['supervisor'], ['users'], ['teams']];
    case 'settings.changed':
      return [['settings']];
    case 'template.changed':
      return [['templates']];
    case 'campaign.changed':
      return [['campaigns']];
    default:
      // A notice newer than this build of the web app: refresh what most screens show.
      return [['conversations'], ...conversationKeys];
  }
}
