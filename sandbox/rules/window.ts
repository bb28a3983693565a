import type { WorldState } from '../world/types.ts';
import { DAY_MS, getWindow } from '../world/world.ts';

/** The 24-hour customer-service window: open while the user's last live message is < 24 h old. */
export function windowOpen(world: WorldState, phoneNumberId: string, waId: string, now: number): boolean {
  const w = world.windows[`${phoneNumberId}:${waId}`];
  return !!w?.lastInboundAt && now - w.lastInboundAt < DAY_MS;
}

/**
 * The free-entry-point window: the user came from a Click-to-WhatsApp ad; if the business replies
 * within 24 h, 72 h of free messages start at that reply. Returns the window id when open.
 */
export function entryPointWindow(
  world: WorldState,
  o: { phoneNumberId: string; waId: string; now: number; newId: () => string },
): string | null {
  const w = getWindow(world, o.phoneNumberId, o.waId);
  if (w.fepUntil && o.now < w.fepUntil) return w.fepId;
  if (w.referralAt && o.now - w.referralAt < DAY_MS && !w.fepUntil) {
    w.fepUntil = o.now + 3 * DAY_MS;
    w.fepId = o.newId();
    return w.fepId;
  }
  return null;
}
