import type { SandboxContext } from '../core/context.ts';
import { scheduleFailure, scheduleStatuses } from '../customers/receipts.ts';
import { pricingFor } from '../rules/pricing.ts';
import { entryPointWindow, windowOpen } from '../rules/window.ts';
import type { ChatMessage, NumberState } from '../world/types.ts';
import { DAY_MS } from '../world/world.ts';
import { GraphError } from './errors.ts';
import { checkMediaIds, fetchMediaLinks, mediaRefs } from './media-refs.ts';
import { resolveRecipient } from './recipient.ts';
import { checkSendKeys } from './send-keys.ts';
import { isObj, sendType, validateContent } from './validate-send.ts';
import { checkTemplateSend } from './validate-template.ts';

type Obj = Record<string, unknown>;

/** `POST /{version}/{phone-number-id}/messages`: a send, a mark-as-read or a typing indicator. */
export function handleMessagesPost(
  ctx: SandboxContext,
  o: { version: string; number: NumberState; body: unknown },
): Obj {
  const body = o.body;
  if (!isObj(body)) throw new GraphError(100, { details: 'The request body must be a JSON object.' });
  if (body.messaging_product !== 'whatsapp') {
    throw new GraphError(100, {
      message: 'The parameter messaging_product is required.',
      details: 'The parameter messaging_product is required.',
    });
  }
  checkSendKeys(body);
  if (body.status !== undefined) return markRead(ctx, o.number, body);
  return send(ctx, o.version, o.number, body);
}

function markRead(ctx: SandboxContext, number: NumberState, body: Obj): Obj {
  if (body.status !== 'read') throw new GraphError(100, { details: "Param status must be 'read'." });
  if (typeof body.message_id !== 'string' || !body.message_id) {
    throw new GraphError(100, {
      message: 'The parameter message_id is required.',
      details: 'The parameter message_id is required.',
    });
  }
  if (body.typing_indicator !== undefined) {
    if (!isObj(body.typing_indicator) || body.typing_indicator.type !== 'text') {
      throw new GraphError(131009, { details: "Param typing_indicator['type'] must be 'text'." });
    }
  }
  const msg = ctx.world.messages[body.message_id];
  const now = ctx.scheduler.now();
  if (
    !msg ||
    msg.phoneNumberId !== number.phoneNumberId ||
    msg.direction !== 'in' ||
    now - msg.timestamp > 30 * DAY_MS
  ) {
    throw new GraphError(131009, {
      details: 'Invalid message_id: no inbound message with this id can be marked as read.',
    });
  }
  // Marking one message read also marks the earlier ones of that chat.
  for (const m of Object.values(ctx.world.messages)) {
    if (
      m.phoneNumberId === msg.phoneNumberId &&
      m.waId === msg.waId &&
      m.direction === 'in' &&
      m.timestamp <= msg.timestamp
    ) {
      m.status = 'read';
    }
  }
  if (body.typing_indicator) ctx.typing.set(`${number.phoneNumberId}:${msg.waId}`, now + ctx.delay(25_000));
  ctx.touch();
  return { success: true };
}

function send(ctx: SandboxContext, version: string, number: NumberState, body: Obj): Obj {
  const type = sendType(body);
  const content = validateContent(type, body);
  const refs = mediaRefs(type, content);
  const wrongKind = checkMediaIds(ctx, refs);
  if (body.context !== undefined && (!isObj(body.context) || typeof body.context.message_id !== 'string')) {
    throw new GraphError(131009, { details: "Param context['message_id'] must be a string." });
  }
  if (body.biz_opaque_callback_data !== undefined) {
    if (typeof body.biz_opaque_callback_data !== 'string' || body.biz_opaque_callback_data.length > 512) {
      throw new GraphError(100, {
        details: 'Param biz_opaque_callback_data must be a string of at most 512 characters.',
      });
    }
  }
  if (!number.connected || number.registered === false) throw new GraphError(133010);
  const { input, customer } = resolveRecipient(ctx, number, body);
  const now = ctx.scheduler.now();
  let templateCategory: string | null = null;
  let rendered: string | null = null;
  if (type === 'template') {
    const checked = checkTemplateSend(ctx.world, number.wabaId, content as Obj);
    templateCategory = checked.template.category;
    rendered = checked.rendered;
  }
  if (!ctx.limiter.takeThroughput(number.phoneNumberId, number.throughputMps, now))
    throw new GraphError(130429, { subcode: 2494055 });
  if (!ctx.limiter.takePair(number.phoneNumberId, customer.waId, now)) throw new GraphError(131056);

  const open = windowOpen(ctx.world, number.phoneNumberId, customer.waId, now);
  let failure: number | null = null;
  if (!customer.onWhatsApp) failure = 131026;
  else if (type !== 'template' && !open) failure = 131047;
  else if (templateCategory === 'MARKETING' && customer.marketingStopped) failure = 131050;
  if (failure !== null && ctx.options.deliveryErrors === 'sync') throw new GraphError(failure);

  const fepId =
    failure === null
      ? entryPointWindow(ctx.world, {
          phoneNumberId: number.phoneNumberId,
          waId: customer.waId,
          now,
          newId: () => ctx.ids.hex(16),
        })
      : null;
  const msg: ChatMessage = {
    id: ctx.ids.wamid(customer.waId),
    phoneNumberId: number.phoneNumberId,
    waId: customer.waId,
    direction: 'out',
    source: 'api',
    type,
    content: rendered !== null ? { ...(content as Obj), rendered } : content,
    context: isObj(body.context) ? body.context : null,
    timestamp: now,
    status: 'accepted',
    // Set before the failed status goes out, so a restart in between still fails the message.
    errorCode: failure,
    pricing:
      failure === null
        ? { ...pricingFor({ templateCategory, windowOpen: open, entryPoint: fepId !== null, now }) }
        : null,
    templateCategory,
    editedAt: null,
    revokedAt: null,
    outbound: {
      version,
      bizOpaque: typeof body.biz_opaque_callback_data === 'string' ? body.biz_opaque_callback_data : null,
      conversationId: ctx.ids.hex(16),
      fepId,
    },
  };
  ctx.world.messages[msg.id] = msg;
  ctx.touch();
  if (failure !== null) scheduleFailure(ctx, msg, failure);
  else if (wrongKind) {
    msg.errorCode = 131053;
    scheduleFailure(ctx, msg, 131053, wrongKind);
  } else if (ctx.options.mediaLinks === 'fetch' && refs.some((r) => r.link)) {
    // Meta fetches linked media after accepting the send; a link it cannot use fails the message.
    ctx.scheduler.track(
      fetchMediaLinks(refs).then((problem) => {
        if (problem) scheduleFailure(ctx, msg, 131053, problem);
        else scheduleStatuses(ctx, msg);
      }),
    );
  } else scheduleStatuses(ctx, msg);
  const message: Obj = { id: msg.id };
  if (type === 'template') message.message_status = 'accepted';
  // A send by `recipient` (BSUID) is answered with `user_id`; `wa_id` only where the number may be shared.
  const contact: Obj = { input };
  if (!customer.phoneHidden) contact.wa_id = customer.waId;
  if (typeof body.recipient === 'string' && body.to === undefined && customer.bsuid)
    contact.user_id = customer.bsuid;
  return { messaging_product: 'whatsapp', contacts: [contact], messages: [message] };
}
