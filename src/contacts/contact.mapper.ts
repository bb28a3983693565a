import { parseJsonOr } from '../platform/json.ts';
import { isoOrNull } from '../platform/time.ts';
import type { ContactNumberChangeRow, ContactRow } from './contact.table.ts';

export type ApiNumberChange = {
  old_wa_id: string | null;
  new_wa_id: string;
  changed_at: string;
  message_wamid: string | null;
};

/** A contact as the REST API returns it; `number_changes` only on the single-contact read. */
export type ApiContact = {
  id: string;
  phone_number_id: string;
  /** The best name to show: address-book name, then profile name, then username, then the number. */
  display_name: string | null;
  wa_id: string | null;
  bsuid: string | null;
  parent_bsuid: string | null;
  username: string | null;
  profile_name: string | null;
  address_book_name: string | null;
  address_book_first_name: string | null;
  in_address_book: boolean;
  address_book_synced_at: string | null;
  marketing_opt_out: boolean;
  marketing_opt_out_at: string | null;
  attributes: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  number_changes?: ApiNumberChange[];
};

/** The name an inbox shows for a contact. */
export function contactDisplayName(row: ContactRow): string | null {
  return row.address_book_name ?? row.profile_name ?? (row.username ? `@${row.username}` : null) ?? row.wa_id;
}

export function toApiNumberChange(row: ContactNumberChangeRow): ApiNumberChange {
  return {
    old_wa_id: row.old_wa_id,
    new_wa_id: row.new_wa_id,
    changed_at: new Date(row.changed_at).toISOString(),
    message_wamid: row.message_wamid,
  };
}

/** Maps a stored contact to its API shape; pass `numberChanges` (oldest first) to include the history. */
export function toApiContact(row: ContactRow, numberChanges?: readonly ContactNumberChangeRow[]): ApiContact {
  const attributes = parseJsonOr<unknown>(row.attributes_json, {});
  const contact: ApiContact = {
    id: row.id,
    phone_number_id: row.phone_number_id,
    display_name: contactDisplayName(row),
    wa_id: row.wa_id,
    bsuid: row.bsuid,
    parent_bsuid: row.parent_bsuid,
    username: row.username,
    profile_name: row.profile_name,
    address_book_name: row.address_book_name,
    address_book_first_name: row.address_book_first_name,
    in_address_book: row.in_address_book === 1,
    address_book_synced_at: isoOrNull(row.address_book_synced_at),
    marketing_opt_out: row.marketing_opt_out === 1,
    marketing_opt_out_at: isoOrNull(row.marketing_opt_out_at),
    attributes:
      attributes !== null && typeof attributes === 'object' && !Array.isArray(attributes)
        ? (attributes as Record<string, unknown>)
        : {},
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
  if (numberChanges) contact.number_changes = numberChanges.map(toApiNumberChange);
  return contact;
}
