import { AppError } from '../platform/errors.ts';
import { DEFAULT_ORGANISATION_ID, organisationOf } from './organisation-scope.ts';
import type { Principal } from './principal.ts';

/*
 * Rows shared by business accounts (teams, labels, canned replies): `waba_id` names the account a
 * row belongs to, and `null` means shared by every account of the default organisation, the only
 * one a hub had before organisations. Any other organisation's rows always name one of its
 * accounts, so a shared row is never seen across organisations.
 */

/**
 * Whether the principal sees rows "for every number" or "every account" (a `null` number or
 * account: labels, teams, canned replies, rules, flows, knowledge entries, routing policies,
 * webhook endpoints): they are the default organisation's, so only its principals see them (every
 * principal while the hub hosts one organisation, whose `wabaIds` are `null`).
 */
export function seesSharedRows(principal: Principal): boolean {
  return principal.wabaIds === null || organisationOf(principal) === DEFAULT_ORGANISATION_ID;
}

/** Whether a row owned by `wabaId` (`null` = shared by the default organisation) is visible to the principal. */
export function canSeeScoped(principal: Principal, wabaId: string | null): boolean {
  if (principal.wabaIds === null) return true;
  if (wabaId === null) return seesSharedRows(principal);
  return principal.wabaIds.includes(wabaId);
}

/**
 * The business account a new shared row (team, label, canned reply) belongs to. Only a principal
 * that sees all of the default organisation may create a row shared by all its accounts; any other
 * must name one of its own (or gets its only one).
 */
export function scopeForNewRow(principal: Principal, requested: string | null | undefined): string | null {
  if (principal.wabaIds === null) return requested ?? null;
  const mayShare = principal.orgWide === true && organisationOf(principal) === DEFAULT_ORGANISATION_ID;
  if (requested == null && mayShare) return null;
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
