import type { SandboxContext } from '../core/context.ts';
import {
  applyEditOrRevoke,
  contactOf,
  type InboundInput,
  requireCustomer,
  requireNumber,
} from '../customers/inbound.ts';
import { GraphError } from '../graph/errors.ts';
import { createMedia, sampleMedia } from '../graph/media-store.ts';
import { isObj } from '../graph/validate-send.ts';
import { messageValue } from '../webhooks/envelope.ts';
import type { ChatMessage } from '../world/types.ts';
import { appOpened } from './lifecycle.ts';

type Obj = Record<string, unknown>;
const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);

/**
 * The owner sends from the WhatsApp Business app on the phone (or edits/deletes a sent message):
 * the message shows in the chat and arrives at the hub as an `smb_message_echoes` webhook.
 * Echoes never open or extend the customer-service window.
 */
export function ownerSends(
  ctx: SandboxContext,
  o: { phoneNumberId?: string; to: string; message: InboundInput },
): ChatMessage {
  const number = requireNumber(ctx, o.phoneNumberId);
  if (!number.connected)
    throw new GraphError(133010, {
      details: 'The number is not connected to Cloud API; echoes are not sent.',
    });
  const customer = requireCustomer(ctx, o.to);
  const now = ctx.scheduler.now();
  const type = typeof o.message.type === 'string' ? o.message.type : 'text';
  let content: unknown = o.message[type];
  if (type === 'text' && typeof content === 'string') content = { body: content };
  if (MEDIA_TYPES.has(type)) {
    const given = isObj(content) ? content : {};
    const sample = sampleMedia(type, ctx.random);
    const media = createMedia(ctx, {
      phoneNumberId: number.phoneNumberId,
      bytes: sample.bytes,
      mimeType: sample.mimeType,
      filename: sample.filename,
    });
    const out: Obj = { mime_type: media.mimeType, sha256: media.sha256, id: media.id };
    if (typeof given.caption === 'string' && type !== 'audio' && type !== 'sticker')
      out.caption = given.caption;
    if (type === 'document') out.filename = media.filename;
    content = out;
  }
  if (type === 'edit' || type === 'revoke') {
    const original = isObj(content) ? ctx.world.messages[String(content.original_message_id)] : undefined;
    if (original?.direction !== 'out' || original.waId !== customer.waId) {
      throw new GraphError(100, {
        details: 'original_message_id must name a message the business sent to this customer.',
      });
    }
  }
  if (content === undefined) throw new GraphError(100, { details: `The message needs a "${type}" object.` });
  const id = ctx.ids.wamid(customer.waId);
  const echo: Obj = {
    from: number.displayPhoneNumber,
    // A customer known only by BSUID is addressed by `to_user_id` (cloud-api.md §7).
    ...(customer.phoneHidden ? {} : { to: customer.waId }),
    ...(customer.bsuid && customer.phoneHidden ? { to_user_id: customer.bsuid } : {}),
    ...(customer.parentBsuid && customer.phoneHidden ? { to_parent_user_id: customer.parentBsuid } : {}),
    id,
    timestamp: String(Math.floor(now / 1000)),
    type,
    [type]: content,
  };
  if (isObj(o.message.context)) echo.context = o.message.context;
  const msg: ChatMessage = {
    id,
    phoneNumberId: number.phoneNumberId,
    waId: customer.waId,
    direction: 'out',
    source: 'phone',
    type,
    content,
    context: isObj(o.message.context) ? o.message.context : null,
    timestamp: now,
    status: 'sent',
    errorCode: null,
    pricing: null,
    templateCategory: null,
    editedAt: null,
    revokedAt: null,
    outbound: null,
  };
  ctx.world.messages[id] = msg;
  applyEditOrRevoke(ctx, type, content, now);
  appOpened(ctx, number);
  ctx.touch();
  ctx.emit({
    wabaId: number.wabaId,
    field: 'smb_message_echoes',
    phoneNumberId: number.phoneNumberId,
    time: null,
    value: messageValue(
      number,
      customer.bsuid
        ? { contacts: [contactOf(customer)], message_echoes: [echo] }
        : { message_echoes: [echo] },
    ),
  });
  return msg;
}
