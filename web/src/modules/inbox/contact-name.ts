import type { Contact } from '../../api/types.ts';
import { translate } from '../../i18n/index.ts';
import { withoutBidiControls } from '../../shared/bidi.ts';
import { formatPhone } from '../../shared/format.ts';

/**
 * The name the inbox shows for a contact, falling back to username, number, then BSUID. The
 * customer chose most of these: bidirectional controls are removed (`withoutBidiControls`).
 */
export function contactName(contact: Contact | null | undefined): string {
  if (!contact) return translate('inbox:mentions.unknownContact');
  const candidates = [
    contact.display_name,
    contact.address_book_name,
    contact.profile_name,
    contact.username ? `@${contact.username}` : null,
    contact.wa_id ? formatPhone(contact.wa_id) : null,
    contact.bsuid,
  ];
  for (const candidate of candidates) {
    // A name that is nothing but controls counts as no name: the next one is shown.
    const shown = candidate == null ? '' : withoutBidiControls(candidate).trim();
    if (shown !== '') return shown;
  }
  return translate('inbox:mentions.unknownContact');
}
