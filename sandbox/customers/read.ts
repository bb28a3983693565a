import type { SandboxContext } from '../core/context.ts';
import { emitStatus } from './receipts.ts';

/**
 * The customer opens the chat: every API-sent message to them (up to `messageId` if given) that is
 * not read yet gets a `read` status (and `delivered` first if it was still only `sent`/`accepted`).
 */
export function customerReads(
  ctx: SandboxContext,
  o: { phoneNumberId: string; waId: string; messageId?: string },
): number {
  const limit = o.messageId ? ctx.world.messages[o.messageId]?.timestamp : undefined;
  let count = 0;
  for (const m of Object.values(ctx.world.messages)) {
    if (m.phoneNumberId !== o.phoneNumberId || m.waId !== o.waId || m.source !== 'api') continue;
    if (m.status === 'failed' || m.status === 'read' || m.status === 'played') continue;
    if (limit !== undefined && m.timestamp > limit) continue;
    emitStatus(ctx, m, 'read');
    count++;
  }
  return count;
}

/**
 * The customer plays a voice message the business sent through the API: `read` first if it was
 * not read yet, then `played` (once). Returns whether a `played` status was sent.
 */
export function customerPlays(ctx: SandboxContext, o: { waId: string; messageId: string }): boolean {
  const m = ctx.world.messages[o.messageId];
  if (m?.source !== 'api' || m.type !== 'audio' || m.waId !== o.waId) return false;
  if (m.status === 'failed' || m.status === 'played') return false;
  if (m.status !== 'read') emitStatus(ctx, m, 'read');
  emitStatus(ctx, m, 'played');
  return true;
}
