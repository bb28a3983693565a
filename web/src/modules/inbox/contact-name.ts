import type { Contact } from '../../api/types.ts';
import { formatPhone } from '../../shared/format.ts';

/** The name the inbox shows for a contact, falling back to username, number, then BSUID. */
export function contactName(contact: Contact | null | undefined): string {
  if (!contact) return 'Unknown contact';
  return (
    contact.display_name ??
    contact.address_book_name ??
    contact.profile_name ??
    (contact.username ? `@${contact.username}` : null) ??
    (contact.wa_id ? formatPhone(contact.wa_id) : null) ??
    contact.bsuid ??
    'Unknown contact'
  );
}
