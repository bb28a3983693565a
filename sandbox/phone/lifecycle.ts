import type { SandboxContext } from '../core/context.ts';
import type { NumberState } from '../world/types.ts';
import { DAY_MS } from '../world/world.ts';

const INACTIVITY_MS = 14 * DAY_MS;
const inactivityTimers = new WeakMap<SandboxContext, Map<string, () => void>>();

/** `account_update` for a WABA (management field: no metadata, carries `entry[].time`). */
export function emitAccountUpdate(
  ctx: SandboxContext,
  number: NumberState,
  value: Record<string, unknown>,
): void {
  ctx.emit({
    wabaId: number.wabaId,
    field: 'account_update',
    phoneNumberId: null,
    time: Math.floor(ctx.scheduler.now() / 1000),
    value,
  });
}

/** The owner opened the WhatsApp Business app: restarts the 14-day inactivity countdown. */
export function appOpened(ctx: SandboxContext, number: NumberState): void {
  number.lastAppOpenAt = ctx.scheduler.now();
  ctx.touch();
  armInactivity(ctx, number);
}

/**
 * Arms the 14-day rule: if the app is not opened for 14 (simulated) days, Meta disconnects the
 * number (`PARTNER_REMOVED`, reason `PRIMARY_INACTIVITY`). The period is divided by the time factor.
 */
export function armInactivity(ctx: SandboxContext, number: NumberState): void {
  let timers = inactivityTimers.get(ctx);
  if (!timers) {
    timers = new Map();
    inactivityTimers.set(ctx, timers);
  }
  timers.get(number.phoneNumberId)?.();
  if (!number.connected || !number.coexistence) return;
  const due = number.lastAppOpenAt + ctx.delay(INACTIVITY_MS) - ctx.scheduler.now();
  timers.set(
    number.phoneNumberId,
    ctx.scheduler.schedule(due, () =>
      disconnect(ctx, number, { reason: 'PRIMARY_INACTIVITY', initiatedBy: 'SYSTEM' }),
    ),
  );
}

/** Disconnects the number from Cloud API (`PARTNER_REMOVED` with `disconnection_info`). */
export function disconnect(
  ctx: SandboxContext,
  number: NumberState,
  o: { reason: string; initiatedBy: 'USER' | 'SYSTEM' },
): void {
  if (!number.connected) return;
  number.connected = false;
  number.disconnectReason = o.reason;
  ctx.touch();
  emitAccountUpdate(ctx, number, {
    phone_number: number.displayPhoneNumber,
    event: 'PARTNER_REMOVED',
    disconnection_info: { reason: o.reason, initiated_by: o.initiatedBy },
  });
}

/** The business offboards (Settings > Business Platform > Disconnect): `ACCOUNT_OFFBOARDED`. */
export function offboard(ctx: SandboxContext, number: NumberState): void {
  if (!number.connected) return;
  number.connected = false;
  number.disconnectReason = 'OFFBOARDED';
  ctx.touch();
  emitAccountUpdate(ctx, number, { event: 'ACCOUNT_OFFBOARDED' });
}

/** The business onboards again: `ACCOUNT_RECONNECTED`; the one-time sync rules start over. */
export function reconnect(ctx: SandboxContext, number: NumberState): void {
  const now = ctx.scheduler.now();
  number.connected = true;
  number.disconnectReason = null;
  number.onboardedAt = now;
  number.contactsSyncRequestedAt = null;
  number.historySyncRequestedAt = null;
  emitAccountUpdate(ctx, number, { event: 'ACCOUNT_RECONNECTED' });
  appOpened(ctx, number);
}
