import type { SandboxContext } from '../core/context.ts';
import { webhookError } from '../graph/errors.ts';
import { hasConversationObject } from '../rules/pricing.ts';
import { messageValue } from '../webhooks/envelope.ts';
import type { ChatMessage, OutboundMeta } from '../world/types.ts';

const RANK = { accepted: 0, received: 0, sent: 1, delivered: 2, read: 3, played: 4, failed: 5 } as const;

/** Sends one status webhook for an API-sent message and records it on the chat. */
export function emitStatus(
  ctx: SandboxContext,
  msg: ChatMessage,
  status: 'sent' | 'delivered' | 'read' | 'played' | 'failed',
  errorCode?: number,
): void {
  const meta: OutboundMeta = msg.outbound ?? {
    version: 'v23.0',
    bizOpaque: null,
    conversationId: msg.id,
    fepId: null,
  };
  const number = ctx.world.numbers[msg.phoneNumberId];
  const customer = ctx.world.customers[msg.waId];
  if (!number) return;
  const now = ctx.scheduler.now();
  if (status !== 'failed' && RANK[status] <= RANK[msg.status] && msg.status !== 'failed') return;
  msg.status = status;
  if (status === 'failed') msg.errorCode = errorCode ?? 131000;
  const item: Record<string, unknown> = {
    id: msg.id,
    status,
    timestamp: String(Math.floor(now / 1000)),
    recipient_id: msg.waId,
  };
  if (customer?.bsuid) item.recipient_user_id = customer.bsuid;
  if (meta.bizOpaque) item.biz_opaque_callback_data = meta.bizOpaque;
  if (status === 'failed') {
    item.errors = [webhookError(errorCode ?? 131000)];
  } else if (msg.pricing) {
    const legacy = hasConversationObject(meta.version);
    if (legacy || meta.fepId) {
      const conversation: Record<string, unknown> = { id: meta.fepId ?? meta.conversationId };
      if (status === 'sent') conversation.expiration_timestamp = String(Math.floor(now / 1000) + 86_400);
      conversation.origin = { type: String(msg.pricing.category) };
      item.conversation = conversation;
    }
    // From v24.0 the pricing object rides on the delivered status only.
    if (legacy || status === 'delivered') item.pricing = msg.pricing;
  }
  ctx.emit({
    wabaId: number.wabaId,
    field: 'messages',
    phoneNumberId: number.phoneNumberId,
    time: null,
    value: messageValue(number, { statuses: [item] }),
  });
  ctx.touch();
}

/** Schedules sent → delivered → read for an accepted message, after the configured delays. */
export function scheduleStatuses(ctx: SandboxContext, msg: ChatMessage): void {
  const delays = ctx.options.statusDelays;
  if (delays === false) return;
  ctx.scheduler.schedule(ctx.delay(delays.sentMs), () => emitStatus(ctx, msg, 'sent'));
  ctx.scheduler.schedule(ctx.delay(delays.deliveredMs), () => emitStatus(ctx, msg, 'delivered'));
  const customer = ctx.world.customers[msg.waId];
  if (customer?.autoRead) {
    ctx.scheduler.schedule(ctx.delay(delays.readMs), () => emitStatus(ctx, msg, 'read'));
    // A voice message is played after it is read: Meta adds a `played` status for voice notes.
    if (msg.type === 'audio') {
      ctx.scheduler.schedule(ctx.delay(delays.readMs * 2), () => emitStatus(ctx, msg, 'played'));
    }
  }
}

/** Schedules a failed status (errors Meta reports after accepting a send). */
export function scheduleFailure(ctx: SandboxContext, msg: ChatMessage, code: number): void {
  const delays = ctx.options.statusDelays;
  const after = delays === false ? 0 : delays.sentMs;
  ctx.scheduler.schedule(ctx.delay(after), () => emitStatus(ctx, msg, 'failed', code));
}

/**
 * After a restart from saved state: sends again the webhooks the receiver had not acknowledged
 * (a receiver sees them at least once, as with Meta) and finishes the status sequence of every
 * API message still in transit, or its pending failure.
 */
export function resumeAfterRestart(ctx: SandboxContext): void {
  const pending = ctx.world.pendingWebhooks ?? [];
  ctx.world.pendingWebhooks = [];
  for (const update of pending) ctx.emit(update);
  for (const m of Object.values(ctx.world.messages)) {
    if (m.source !== 'api' || m.direction !== 'out') continue;
    if (m.status === 'accepted' && m.errorCode !== null) scheduleFailure(ctx, m, m.errorCode);
    else if (m.status === 'accepted' || m.status === 'sent' || m.status === 'delivered')
      scheduleStatuses(ctx, m);
  }
}
