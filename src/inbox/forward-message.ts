import type { AppDeps } from '../app-deps.ts';
import type { Principal } from '../auth/principal.ts';
import { fetchMessageMedia } from '../media/media.service.ts';
import { isMediaType, type MediaBody, type TextBody } from '../messages/content.ts';
import { toApiMessage } from '../messages/message.mapper.ts';
import { sendMessage } from '../outbound/send-message.ts';
import { AppError } from '../platform/errors.ts';
import { parseJsonOr } from '../platform/json.ts';
import { conversationFor } from './conversation-access.ts';

/**
 * Forwards a message to another conversation (`POST /api/messages/:id/forward`): a new message with
 * the same content, sent through the outbox like any reply (the send policy, the window included,
 * applies to the target). Text goes as text; media is re-uploaded from the hub's copy to the target's
 * number (a media id is valid only for the number that received or uploaded it), with its caption.
 */
export async function forwardMessage(
  deps: AppDeps,
  input: { principal: Principal; messageId: string; conversationId: string },
) {
  const db = deps.database.db;
  const { principal } = input;
  const source = await db
    .selectFrom('messages')
    .selectAll()
    .where('id', '=', input.messageId)
    .executeTakeFirst();
  if (!source?.conversation_id) throw new AppError('NOT_FOUND', 'No such message.');
  await conversationFor(db, principal, source.conversation_id);
  const { row: target } = await conversationFor(db, principal, input.conversationId);
  if (source.deleted_at !== null) throw new AppError('CONFLICT', 'A deleted message cannot be forwarded.');
  const stored = parseJsonOr<Record<string, unknown>>(source.edited_content_json ?? source.content_json, {});
  let content: unknown;
  if (source.type === 'text') {
    content = { type: 'text', text: { body: (stored as TextBody).body } };
  } else if (isMediaType(source.type)) {
    const media = stored as MediaBody;
    const fetched = await fetchMessageMedia({ db, graph: deps.graph, now: deps.clock.now() }, source.id);
    if (!fetched.ok)
      throw new AppError('CONFLICT', `This message's media is not available: ${fetched.reason}`);
    const mimeType = fetched.media.mimeType ?? media.mime_type ?? 'application/octet-stream';
    const uploaded = await deps.graph.uploadMedia({
      phoneNumberId: target.phone_number_id,
      bytes: fetched.media.bytes,
      mimeType,
      filename: media.filename ?? 'forwarded',
    });
    if (!uploaded.ok) {
      throw new AppError('GRAPH_REQUEST_FAILED', uploaded.error.message, { meta_code: uploaded.error.code });
    }
    const caption =
      source.type === 'audio' || source.type === 'sticker'
        ? {}
        : media.caption
          ? { caption: media.caption }
          : {};
    const filename = source.type === 'document' && media.filename ? { filename: media.filename } : {};
    content = { type: source.type, [source.type]: { media_id: uploaded.value.id, ...caption, ...filename } };
  } else {
    throw new AppError('VALIDATION_FAILED', 'Only text and media messages can be forwarded.', {
      type: source.type,
    });
  }
  const result = await sendMessage(deps, {
    recipient: { conversationId: target.id },
    content,
    origin: principal.kind === 'user' ? 'agent' : 'api',
    authorUserId: principal.userId,
    wabaIds: principal.wabaIds,
  });
  return toApiMessage(result.message);
}
