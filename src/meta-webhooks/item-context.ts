import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import { ensurePhoneNumber } from '../numbers/number.repository.ts';
import type { PhoneNumberRow } from '../numbers/number.table.ts';
import type { ItemOrigin } from './parse/items.ts';

const CHUNK = 500;

/**
 * A webhook item whose `entry[].id` is not the business account the number is filed under. Meta
 * routes by that id, so the item is recorded as a failure (`WABA_MISMATCH`) and not applied:
 * applying it would put one account's messages into another's conversations.
 */
export class WabaMismatchError extends Error {
  constructor(
    readonly phoneNumberId: string,
    readonly storedWabaId: string,
    readonly entryWabaId: string,
  ) {
    super(
      `The webhook's entry id (WABA ${entryWabaId}) is not the business account of number ${phoneNumberId} (WABA ${storedWabaId}); it was not applied.`,
    );
    this.name = 'WabaMismatchError';
  }
}

/** Throws {@link WabaMismatchError} unless the item's WABA (when it names one) is the number's. */
function assertSameWaba(number: PhoneNumberRow, item: ItemOrigin): void {
  if (item.wabaId === null || number.waba_id === 'unknown' || number.waba_id === item.wabaId) return;
  throw new WabaMismatchError(number.id, number.waba_id, item.wabaId);
}

/** The business number an item concerns, created on first sight. */
export async function numberForItem(trx: Kysely<DB>, item: ItemOrigin, now: number): Promise<PhoneNumberRow> {
  const phoneNumberId = item.phoneNumberId;
  if (phoneNumberId === null) throw new Error('item has no metadata.phone_number_id');
  const existing = await trx
    .selectFrom('phone_numbers')
    .selectAll()
    .where('id', '=', phoneNumberId)
    .executeTakeFirst();
  if (existing) {
    assertSameWaba(existing, item);
    return existing;
  }
  return ensurePhoneNumber(trx, {
    phoneNumberId,
    wabaId: item.wabaId ?? 'unknown',
    displayPhoneNumber: item.displayPhoneNumber ?? '',
    at: now,
  });
}

/** {@link numberForItem} for a batch: one lookup, then the first sighting of each missing number creates it. */
export async function numbersForItems(
  trx: Kysely<DB>,
  items: readonly ItemOrigin[],
  now: number,
): Promise<Map<string, PhoneNumberRow>> {
  const ids = [...new Set(items.map((i) => i.phoneNumberId).filter((id): id is string => id !== null))];
  const found = new Map<string, PhoneNumberRow>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await trx
      .selectFrom('phone_numbers')
      .selectAll()
      .where('id', 'in', ids.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) found.set(r.id, r);
  }
  for (const item of items) {
    if (item.phoneNumberId === null) continue;
    const known = found.get(item.phoneNumberId);
    if (known) assertSameWaba(known, item);
    else found.set(item.phoneNumberId, await numberForItem(trx, item, now));
  }
  return found;
}
