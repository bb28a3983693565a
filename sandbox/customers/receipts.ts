import type { SandboxContext } from '../core/context.ts';
import { webhookError } from '../graph/errors.ts';
import { hasConversationObject } from '../rules/pricing.ts';
import { messageValue } from '../webhooks/envelope.ts';
import type { ChatMessage, OutboundMeta } from '../world/types.ts';

const RANK = { accepted: 0, received: 0, sent: 1, delivered: 2, read: 3, played: 4, failed: 5 } as const;

type Status = 'sent' | 'delivered' | 'read' | 'played' | 'failed';

/**
 * Sends one status webhook for an API-sent message and records it on the chat. `late` sends a
 * status that arrives after a later one (out of order) or a second time (a duplicate), as Meta's
 * do: the webhook goes out, the message keeps its furthest status.
 */
export function emitStatus(
  ctx: SandboxContext,
  msg: ChatMessage,
  status: Status,
  o: { errorCode?: number; details?: string; late?: boolean } = {},
): void {
  const errorCode = o.errorCode;
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
  const behind = RANK[status] <= RANK[msg.status] && msg.status !== 'failed';
  if (status !== 'failed' && behind && !o.late) return;
  if (status === 'failed' || !behind) msg.status = status;
  if (status === 'failed') msg.errorCode = errorCode ?? 131000;
  const item: Record<string, unknown> = {
    id: msg.id,
    status,
    timestamp: String(Math.floor(now / 1000)),
  };
  // A customer known only by BSUID has no phone number in webhooks.
  if (!customer?.phoneHidden) item.recipient_id = msg.waId;
  if (customer?.bsuid) item.recipient_user_id = customer.bsuid;
  if (meta.bizOpaque) item.biz_opaque_callback_data = meta.bizOpaque;
  if (status === 'failed') {
    item.errors = [webhookError(errorCode ?? 131000, o.details ?? msg.errorDetails ?? undefined)];
  } else if (msg.pricing) {
    const legacy = hasConversationObject(meta.version);
    if (legacy || meta.fepId) {
      const conversation: Record<string, unknown> = { id: meta.fepId ?? meta.conversationId };
      if (status === 'sent') conversation.expiration_timestamp = String(Math.floor(now / 1000) + 86_400);
      conversation.origin = { type: String(msg.pricing.category) };
      item.conversation = conversation;
    }
    // From v24.0 the pricing object rides on one status only: delivered, or read when delivered was skipped.
    if (legacy || status === 'delivered' || (status === 'read' && !msg.pricingSent)) {
      item.pricing = msg.pricing;
      msg.pricingSent = true;
    }
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

/**
 * Schedules sent → delivered → read (→ played for voice messages) for an accepted message, after
 * the configured delays. With `statuses: 'strict'` that is all. With the realistic default, each
 * message may also, by the seeded random and the `statusQuirks` rates: skip `delivered` when the
 * customer reads it (Meta sends `read` alone then), get `delivered` after `read` (out of order),
 * or get one of its statuses twice.
 */
export function scheduleStatuses(ctx: SandboxContext, msg: ChatMessage): void {
  const delays = ctx.options.statusDelays;
  if (delays === false) return;
  const at = (ms: number, status: Status, late = false) =>
    ctx.scheduler.schedule(ctx.delay(ms), () => emitStatus(ctx, msg, status, { late }));
  const reads = ctx.world.customers[msg.waId]?.autoRead === true;
  const plan: { ms: number; status: Status }[] = [{ ms: delays.sentMs, status: 'sent' }];
  const realistic = ctx.options.statuses === 'realistic';
  const q = ctx.options.statusQuirks;
  const roll = () => (realistic ? ctx.random.next() : 1);
  const skipDelivered = reads && roll() < q.skipDelivered;
  const reorder = reads && !skipDelivered && roll() < q.reorder;
  if (!skipDelivered) {
    plan.push({
      ms: reorder ? delays.readMs + (delays.readMs - delays.deliveredMs) : delays.deliveredMs,
      status: 'delivered',
    });
  }
  if (reads) {
    plan.push({ ms: delays.readMs, status: 'read' });
    // A voice message is played after it is read: Meta adds a `played` status for voice notes.
    if (msg.type === 'audio') plan.push({ ms: delays.readMs * 2, status: 'played' });
  }
  for (const p of plan) at(p.ms, p.status, reorder && p.status === 'delivered');
  if (roll() < q.duplicate) {
    const again = plan[Math.floor(ctx.random.next() * plan.length)]!;
    at(again.ms + delays.sentMs, again.status, true);
  }
}

/** Schedules a failed status (errors Meta reports after accepting a send), with optional details. */
export function scheduleFailure(ctx: SandboxContext, msg: ChatMessage, code: number, details?: string): void {
  const delays = ctx.options.statusDelays;
  const after = delays === false ? 0 : delays.sentMs;
  if (details) msg.errorDetails = details;
  ctx.scheduler.schedule(ctx.delay(after), () =>
    emitStatus(ctx, msg, 'failed', { errorCode: code, details }),
  );
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
