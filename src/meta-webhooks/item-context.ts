import type { Kysely } from 'kysely';
import { normalizePhone } from '../contacts/contact.repository.ts';
import type { DB } from '../database.ts';
import { ensurePhoneNumber } from '../numbers/number.repository.ts';
import type { PhoneNumberRow } from '../numbers/number.table.ts';
import { type ItemOrigin, isObject, type Json, str } from './meta-payload.parser.ts';

/** What a processor gets: the item's transaction, the processing time and the stored event it came from. */
export type ItemContext = {
  readonly trx: Kysely<DB>;
  readonly now: number;
  readonly webhookEventId: number;
};

/** The business number an item concerns, created on first sight. */
export async function numberForItem(ctx: ItemContext, item: ItemOrigin): Promise<PhoneNumberRow> {
  const phoneNumberId = item.phoneNumberId;
  if (phoneNumberId === null) throw new Error('item has no metadata.phone_number_id');
  const existing = await ctx.trx
    .selectFrom('phone_numbers')
    .selectAll()
    .where('id', '=', phoneNumberId)
    .executeTakeFirst();
  if (existing) return existing;
  return ensurePhoneNumber(ctx.trx, {
    phoneNumberId,
    wabaId: item.wabaId ?? 'unknown',
    displayPhoneNumber: item.displayPhoneNumber ?? '',
    at: ctx.now,
  });
}

/** The `contacts[]` entry describing a user, matched by phone number or BSUID; the only one if alone. */
export function contactEntry(contacts: Json[], waId: string | null, bsuid: string | null): Json | undefined {
  const phone = normalizePhone(waId);
  const match = contacts.find(
    (c) =>
      (phone !== null && normalizePhone(str(c.wa_id)) === phone) ||
      (bsuid !== null && str(c.user_id) === bsuid),
  );
  return match ?? (contacts.length === 1 ? contacts[0] : undefined);
}

/** Identity fields of a `contacts[]` entry. */
export function identityOf(entry: Json | undefined): {
  waId: string | null;
  bsuid: string | null;
  parentBsuid: string | null;
  username: string | null;
  profileName: string | null;
} {
  const profile = entry && isObject(entry.profile) ? entry.profile : {};
  return {
    waId: entry ? str(entry.wa_id) : null,
    bsuid: entry ? str(entry.user_id) : null,
    parentBsuid: entry ? str(entry.parent_user_id) : null,
    username: str(profile.username),
    profileName: str(profile.name),
  };
}

/** The type-named content object of a message (`text`, `image`, …), or `{}`. */
export function contentOf(message: Json, type: string): unknown {
  return message[type] ?? {};
}
