import type { Generated, Selectable } from 'kysely';

export interface ContactTable {
  id: string;
  phone_number_id: string;
  wa_id: string | null;
  /** Business-scoped user id (2026); stored exactly as received. */
  bsuid: string | null;
  parent_bsuid: string | null;
  username: string | null;
  profile_name: string | null;
  profile_name_at: number | null;
  /** Name from the owner's address book (smb_app_state_sync). */
  address_book_name: string | null;
  address_book_first_name: string | null;
  in_address_book: number;
  address_book_synced_at: number | null;
  marketing_opt_out: number;
  marketing_opt_out_at: number | null;
  attributes_json: Generated<string>;
  created_at: number;
  updated_at: number;
}

export interface ContactNumberChangeTable {
  id: string;
  contact_id: string;
  old_wa_id: string | null;
  new_wa_id: string;
  changed_at: number;
  message_wamid: string | null;
}

export type ContactRow = Selectable<ContactTable>;
export type ContactNumberChangeRow = Selectable<ContactNumberChangeTable>;

/** The tables of the people who write to a number. */
export interface ContactTables {
  contacts: ContactTable;
  contact_number_changes: ContactNumberChangeTable;
}
