import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { newId } from '../platform/ids.ts';
import type { ContactRow } from './contact.table.ts';

export type FindOrCreateContactInput = {
  readonly phoneNumberId: string;
  /** The user's phone number as Meta sends it; normalised to digits. */
  readonly waId?: string | null;
  /** Business-scoped user id; stored exactly as received. */
  readonly bsuid?: string | null;
  readonly parentBsuid?: string | null;
  readonly username?: string | null;
  readonly profileName?: string | null;
  /** Processing time (ms). */
  readonly at: number;
  /** Meta's time of the payload that carried the profile (ms); newer names win. Defaults to `at`. */
  readonly seenAt?: number;
};

/** Digits only: `+1 (650) 555-1234` → `16505551234`. Empty input gives null. */
export function normalizePhone(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const digits = value.replace(/\D+/g, '');
  return digits.length > 0 ? digits : null;
}

/** A trimmed string, or null for a missing or blank one. */
export function clean(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed.length > 0 ? trimmed : null;
}

/** The profile fields a sighting changes on a contact (parent BSUID, username, name, its time). */
export type ProfilePatch = {
  parent_bsuid?: string;
  username?: string;
  profile_name?: string;
  profile_name_at?: number;
};

/**
 * What a sighting changes of a contact's profile: a new parent BSUID or username, and a profile
 * name at least as new as the one stored (`seenAt`, Meta's time of the payload); the same name seen
 * later only moves its time. The one rule for the single and the batched path.
 */
export function profilePatch(
  row: Pick<ContactRow, 'parent_bsuid' | 'username' | 'profile_name' | 'profile_name_at'>,
  input: Pick<FindOrCreateContactInput, 'parentBsuid' | 'username' | 'profileName'>,
  seenAt: number,
): ProfilePatch {
  const patch: ProfilePatch = {};
  const parent = clean(input.parentBsuid);
  if (parent !== null && row.parent_bsuid !== parent) patch.parent_bsuid = parent;
  const username = clean(input.username);
  if (username !== null && row.username !== username) patch.username = username;
  const name = clean(input.profileName);
  if (
    name !== null &&
    name !== row.profile_name &&
    (row.profile_name_at === null || seenAt >= row.profile_name_at)
  ) {
    patch.profile_name = name;
    patch.profile_name_at = seenAt;
  } else if (name !== null && name === row.profile_name && (row.profile_name_at ?? 0) < seenAt) {
    patch.profile_name_at = seenAt;
  }
  return patch;
}

async function byKey(
  trx: Kysely<DB>,
  phoneNumberId: string,
  column: 'wa_id' | 'bsuid',
  value: string | null,
): Promise<ContactRow | undefined> {
  if (value === null) return undefined;
  return trx
    .selectFrom('contacts')
    .selectAll()
    .where('phone_number_id', '=', phoneNumberId)
    .where(column, '=', value)
    .executeTakeFirst();
}

/**
 * Finds the contact of a customer of one business number by phone number (`wa_id`) or BSUID, creating
 * it if neither is known. When both identifiers appear, the missing one is linked onto the row found.
 * Creation is insert-or-ignore on the unique keys, so concurrent calls converge on one row.
 * Records `contact.changed` when the row is created or changed. Returns null without any identifier.
 */
export async function findOrCreateContact(
  trx: Kysely<DB>,
  input: FindOrCreateContactInput,
): Promise<ContactRow | null> {
  const waId = normalizePhone(input.waId);
  const bsuid = clean(input.bsuid);
  if (waId === null && bsuid === null) return null;
  const seenAt = input.seenAt ?? input.at;

  let row =
    (await byKey(trx, input.phoneNumberId, 'wa_id', waId)) ??
    (await byKey(trx, input.phoneNumberId, 'bsuid', bsuid));
  let changed = false;
  if (!row) {
    const inserted = await trx
      .insertInto('contacts')
      .values({
        id: newId(),
        phone_number_id: input.phoneNumberId,
        wa_id: waId,
        bsuid,
        parent_bsuid: clean(input.parentBsuid),
        username: clean(input.username),
        profile_name: clean(input.profileName),
        profile_name_at: clean(input.profileName) ? seenAt : null,
        address_book_name: null,
        address_book_first_name: null,
        in_address_book: 0,
        address_book_synced_at: null,
        marketing_opt_out: 0,
        marketing_opt_out_at: null,
        created_at: input.at,
        updated_at: input.at,
      })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) {
      const payload = { contact_id: inserted.id, wa_id: inserted.wa_id, bsuid: inserted.bsuid };
      await recordEvent(
        trx,
        { type: 'contact.created', phoneNumberId: input.phoneNumberId, payload },
        input.at,
      );
      return inserted;
    }
    // Someone else inserted it between our read and our insert.
    row =
      (await byKey(trx, input.phoneNumberId, 'wa_id', waId)) ??
      (await byKey(trx, input.phoneNumberId, 'bsuid', bsuid));
    if (!row) throw new Error('contact vanished after a conflicting insert');
  }

  const patch: Partial<ContactRow> = {};
  if (waId !== null && row.wa_id === null) {
    // Link only if no other contact of this number holds that wa_id already.
    const other = await byKey(trx, input.phoneNumberId, 'wa_id', waId);
    if (!other) patch.wa_id = waId;
  }
  if (bsuid !== null && row.bsuid === null) {
    const other = await byKey(trx, input.phoneNumberId, 'bsuid', bsuid);
    if (!other) patch.bsuid = bsuid;
  }
  Object.assign(patch, profilePatch(row, input, seenAt));
  if (Object.keys(patch).length > 0) {
    changed = Object.keys(patch).some((k) => k !== 'profile_name_at');
    await trx
      .updateTable('contacts')
      .set({ ...patch, updated_at: input.at })
      .where('id', '=', row.id)
      .execute();
    row = { ...row, ...patch, updated_at: input.at };
    if (changed) {
      const change = Object.keys(patch)
        .filter((k) => k !== 'profile_name_at')
        .join(',');
      const payload = { contact_id: row.id, change };
      await recordEvent(
        trx,
        { type: 'contact.changed', phoneNumberId: input.phoneNumberId, payload },
        input.at,
      );
    }
  }
  return row;
}

/** Records `contact.changed` for a contact the caller updated (`change` names what). */
export async function contactChanged(
  trx: Kysely<DB>,
  input: { phoneNumberId: string; contactId: string; at: number; change?: string },
): Promise<void> {
  const payload = { contact_id: input.contactId, change: input.change ?? 'profile' };
  await recordEvent(trx, { type: 'contact.changed', phoneNumberId: input.phoneNumberId, payload }, input.at);
}
