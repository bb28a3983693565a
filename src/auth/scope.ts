import { AppError } from '../platform/errors.ts';
import type { Principal } from './principal.ts';

/** Whether a row owned by `wabaId` (`null` = shared by every business account) is visible to the principal. */
export function canSeeScoped(principal: Principal, wabaId: string | null): boolean {
  return wabaId === null || principal.wabaIds === null || principal.wabaIds.includes(wabaId);
}

/**
 * The business account a new shared row (team, label, canned reply) belongs to. Only a principal
 * that sees every account may create a row shared by all; a restricted one must name one of its own
 * (or gets its only one).
 */
export function scopeForNewRow(principal: Principal, requested: string | null | undefined): string | null {
  if (principal.wabaIds === null) return requested ?? null;
  const wabaId = requested ?? (principal.wabaIds.length === 1 ? principal.wabaIds[0]! : null);
  if (wabaId === null || !principal.wabaIds.includes(wabaId)) {
    throw new AppError('FORBIDDEN', 'Name one of your business accounts.');
  }
  return wabaId;
}

/** Throws NOT_FOUND (never revealing the row exists) unless the principal may see it. */
export function assertScoped(principal: Principal, wabaId: string | null, what: string): void {
  if (!canSeeScoped(principal, wabaId)) throw new AppError('NOT_FOUND', `No such ${what}.`);
}
