import type { SandboxContext } from '../core/context.ts';
import { GraphError } from '../graph/errors.ts';
import { createMedia, sampleMedia } from '../graph/media-store.ts';
import { isObj } from '../graph/validate-send.ts';
import { messageValue } from '../webhooks/envelope.ts';
import type { ChatMessage, CustomerState, NumberState } from '../world/types.ts';
import { addCustomer, getWindow } from '../world/world.ts';

type Obj = Record<string, unknown>;

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);

/** What a simulated customer sends; `type` plus the type's object as in Meta's inbound webhook. */
export interface InboundInput {
  type: string;
  [key: string]: unknown;
}

export function requireNumber(ctx: SandboxContext, phoneNumberId: string | undefined): NumberState {
  const number = phoneNumberId ? ctx.world.numbers[phoneNumberId] : Object.values(ctx.world.numbers)[0];
  if (!number) throw new GraphError(100, { details: `Unknown phone number id ${phoneNumberId}` });
  return number;
}

export function requireCustomer(ctx: SandboxContext, waId: string, name?: string): CustomerState {
  return (
    ctx.world.customers[waId] ?? addCustomer(ctx.world, { waId, name: name ?? `Customer ${waId.slice(-4)}` })
  );
}

/**
 * `contacts[]` item of a webhook for a customer, in Meta's 2026 shape: `profile { name, username? }`,
 * `wa_id` (left out when the customer is known only by BSUID), `user_id`, `parent_user_id`.
 */
export function contactOf(c: CustomerState): Obj {
  const profile: Obj = { name: c.name };
  if (c.username) profile.username = c.username;
  const contact: Obj = { profile };
  if (!c.phoneHidden) contact.wa_id = c.waId;
  if (c.bsuid) contact.user_id = c.bsuid;
  if (c.parentBsuid) contact.parent_user_id = c.parentBsuid;
  return contact;
}

/** Sender fields of an inbound message: `from`, or for a BSUID-only customer `from_user_id` (+ parent). */
export function senderOf(c: CustomerState): Obj {
  if (!c.phoneHidden) return { from: c.waId };
  const out: Obj = { from_user_id: c.bsuid };
  if (c.parentBsuid) out.from_parent_user_id = c.parentBsuid;
  return out;
}

/**
 * A simulated customer sends a message to the business: text, media, location, contacts,
 * interactive replies, template button taps, reactions, edits, revokes, with an optional
 * `referral` (Click-to-WhatsApp) and `context`. Emits the `messages` webhook; returns the message.
 */
export function customerSends(
  ctx: SandboxContext,
  o: { phoneNumberId?: string; waId: string; name?: string; message: InboundInput },
): ChatMessage {
  const number = requireNumber(ctx, o.phoneNumberId);
  const customer = requireCustomer(ctx, o.waId, o.name);
  const now = ctx.scheduler.now();
  const input = o.message;
  const type = typeof input.type === 'string' ? input.type : 'text';
  let content: unknown = input[type];
  if (type === 'text' && typeof content === 'string') content = { body: content };
  if (MEDIA_TYPES.has(type)) content = inboundMedia(ctx, number, type, isObj(content) ? content : {});
  if (type === 'edit' || type === 'revoke') checkOwnMessage(ctx, customer, content);
  if (content === undefined && type !== 'unsupported') {
    throw new GraphError(100, { details: `The message needs a "${type}" object.` });
  }
  const id = ctx.ids.wamid(customer.waId);
  const wire: Obj = { ...senderOf(customer), id, timestamp: String(Math.floor(now / 1000)), type };
  if (isObj(input.context)) wire.context = input.context;
  if (type === 'unsupported') {
    wire.errors = [
      {
        code: 131051,
        title: 'Message type unknown',
        message: 'Message type unknown',
        error_data: { details: 'Message type is currently not supported.' },
      },
    ];
  } else {
    wire[type] = content;
  }
  if (isObj(input.referral)) wire.referral = input.referral;
  const msg: ChatMessage = {
    id,
    phoneNumberId: number.phoneNumberId,
    waId: customer.waId,
    direction: 'in',
    source: 'customer',
    type,
    content: content ?? null,
    context: isObj(input.context) ? input.context : null,
    timestamp: now,
    status: 'received',
    errorCode: null,
    pricing: null,
    templateCategory: null,
    editedAt: null,
    revokedAt: null,
    outbound: null,
  };
  ctx.world.messages[id] = msg;
  applyEditOrRevoke(ctx, type, content, now);
  // Every live user message opens or restarts the customer-service window.
  const w = getWindow(ctx.world, number.phoneNumberId, customer.waId);
  w.lastInboundAt = now;
  if (isObj(input.referral)) {
    w.referralAt = now;
    w.fepUntil = null;
  }
  ctx.typing.delete(`${number.phoneNumberId}:${customer.waId}`);
  ctx.touch();
  ctx.emit({
    wabaId: number.wabaId,
    field: 'messages',
    phoneNumberId: number.phoneNumberId,
    time: null,
    value: messageValue(number, { contacts: [contactOf(customer)], messages: [wire] }),
  });
  return msg;
}

function inboundMedia(ctx: SandboxContext, number: NumberState, type: string, given: Obj): Obj {
  const sample = sampleMedia(type, ctx.random);
  const media = createMedia(ctx, {
    phoneNumberId: number.phoneNumberId,
    bytes: sample.bytes,
    mimeType: typeof given.mime_type === 'string' ? given.mime_type : sample.mimeType,
    filename: typeof given.filename === 'string' ? given.filename : sample.filename,
  });
  const out: Obj = {
    mime_type: media.mimeType,
    sha256: media.sha256,
    id: media.id,
    url: ctx.mediaUrl(media.id),
  };
  if (typeof given.caption === 'string' && type !== 'audio' && type !== 'sticker')
    out.caption = given.caption;
  if (type === 'document') out.filename = media.filename ?? 'document.pdf';
  if (type === 'audio') out.voice = given.voice === true;
  if (type === 'sticker') out.animated = given.animated === true;
  return out;
}

function checkOwnMessage(ctx: SandboxContext, customer: CustomerState, content: unknown): void {
  const original = isObj(content) ? content.original_message_id : undefined;
  const target = typeof original === 'string' ? ctx.world.messages[original] : undefined;
  if (!target || target.waId !== customer.waId || target.direction !== 'in') {
    throw new GraphError(100, { details: 'original_message_id must name a message this customer sent.' });
  }
}

/** Applies an edit or revoke (by the customer or the owner) to the original message. */
export function applyEditOrRevoke(ctx: SandboxContext, type: string, content: unknown, now: number): void {
  if ((type !== 'edit' && type !== 'revoke') || !isObj(content)) return;
  const target = ctx.world.messages[String(content.original_message_id)];
  if (!target) return;
  if (type === 'revoke') target.revokedAt = now;
  else if (isObj(content.message)) {
    target.editedAt = now;
    const inner = content.message;
    target.content = inner[String(inner.type)] ?? target.content;
  }
}
