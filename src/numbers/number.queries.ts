import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.ts';
import type { DB } from '../database.ts';
import type { PhoneNumberRow } from './number.table.ts';

/**
 * The phone numbers a principal may see, or `null` when it may see every one. Every read of
 * numbers, contacts, conversations, messages and events is narrowed by this list, so a principal
 * restricted to one business account never learns of another's rows.
 */
export async function visibleNumberIds(db: Kysely<DB>, principal: Principal): Promise<string[] | null> {
  if (principal.wabaIds === null) return null;
  if (principal.wabaIds.length === 0) return [];
  const rows = await db
    .selectFrom('phone_numbers')
    .select('id')
    .where('waba_id', 'in', [...principal.wabaIds])
    .execute();
  return rows.map((r) => r.id);
}

/** True when `phoneNumberId` is inside the visible set (`null` = everything is visible). */
export function canSeeNumber(visible: readonly string[] | null, phoneNumberId: string): boolean {
  return visible === null || visible.includes(phoneNumberId);
}

/** Every phone number the principal may see, ordered by display number. */
export async function listVisibleNumbers(db: Kysely<DB>, principal: Principal): Promise<PhoneNumberRow[]> {
  let query = db.selectFrom('phone_numbers').selectAll();
  if (principal.wabaIds !== null) {
    if (principal.wabaIds.length === 0) return [];
    query = query.where('waba_id', 'in', [...principal.wabaIds]);
  }
  return query.orderBy('display_phone_number').orderBy('id').execute();
}

/** One phone number, or `undefined` if it does not exist or the principal may not see it. */
export async function findVisibleNumber(
  db: Kysely<DB>,
  principal: Principal,
  id: string,
): Promise<PhoneNumberRow | undefined> {
  const row = await db.selectFrom('phone_numbers').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  if (principal.wabaIds !== null && !principal.wabaIds.includes(row.waba_id)) return undefined;
  return row;
}

/**
 * The newest message each number's owner sent in imported history (origin `history`, outbound:
 * written in the WhatsApp Business app before onboarding), for the numbers in `phoneNumberIds`.
 * The app's activity until the first live echo; callers ask only for numbers with no echo yet,
 * so the scan runs only between an import and the owner's next message from the phone.
 */
export async function newestHistoryBusinessMessageAt(
  db: Kysely<DB>,
  phoneNumberIds: readonly string[],
): Promise<Map<string, number>> {
  if (phoneNumberIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('messages')
    .select(['phone_number_id', (eb) => eb.fn.max('timestamp').as('at')])
    .where('phone_number_id', 'in', [...phoneNumberIds])
    .where('origin', '=', 'history')
    .where('direction', '=', 'outbound')
    .groupBy('phone_number_id')
    .execute();
  return new Map(rows.filter((r) => r.at !== null).map((r) => [r.phone_number_id, Number(r.at)]));
}

/** The numbers of `rows` whose app activity may come from history: no live echo seen yet. */
export function numbersWithoutEcho(rows: readonly PhoneNumberRow[]): string[] {
  return rows.filter((row) => row.last_echo_at === null).map((row) => row.id);
}
