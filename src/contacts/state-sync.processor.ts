import type { Applied, IngestContext } from '../messages/ingest-context.ts';
import { numberChanged } from '../numbers/number.repository.ts';
import { contactChanged, findOrCreateContact } from './contact.repository.ts';
import type { ContactSync } from './inbound-events.ts';

/**
 * Contact sync from the Business app (`smb_app_state_sync`): `add` (new or edited) sets the
 * address-book name, `remove` takes the contact out of the address book (its names go, the contact
 * and its history stay).
 * Applied by `metadata.timestamp`; an update older than the one applied is ignored.
 */
export async function processStateSync(ctx: IngestContext, item: Applied<ContactSync>): Promise<void> {
  const { trx, now } = ctx;
  const { event: s, number } = item;
  if (s.type !== 'contact') throw new Error(`unsupported state_sync type: ${s.type ?? '(none)'}`);
  // Meta sends no "sync finished" signal; the first contact that arrives is what support can see.
  if (number.contacts_sync_state !== 'received') {
    await trx
      .updateTable('phone_numbers')
      .set({ contacts_sync_state: 'received', updated_at: now })
      .where('id', '=', number.id)
      .execute();
    await numberChanged(trx, { phoneNumberId: number.id, at: now });
  }
  const ts = s.at ?? now;
  const contact = await findOrCreateContact(trx, {
    phoneNumberId: number.id,
    waId: s.phone,
    bsuid: s.bsuid,
    at: now,
  });
  if (!contact) throw new Error('state_sync contact has no phone_number');
  const applied = contact.address_book_synced_at;
  // A remove at the same instant as an add wins, so the outcome does not depend on arrival order.
  const newer = applied === null || ts > applied || (ts === applied && s.action === 'remove');
  if (!newer) return;
  if (s.action === 'add') {
    await trx
      .updateTable('contacts')
      .set({
        address_book_name: s.fullName ?? contact.address_book_name,
        address_book_first_name: s.firstName ?? contact.address_book_first_name,
        in_address_book: 1,
        address_book_synced_at: ts,
        updated_at: now,
      })
      .where('id', '=', contact.id)
      .execute();
  } else if (s.action === 'remove') {
    await trx
      .updateTable('contacts')
      .set({
        in_address_book: 0,
        address_book_name: null,
        address_book_first_name: null,
        address_book_synced_at: ts,
        updated_at: now,
      })
      .where('id', '=', contact.id)
      .execute();
  } else {
    throw new Error(`unsupported state_sync action: ${s.action ?? '(none)'}`);
  }
  await contactChanged(trx, {
    phoneNumberId: number.id,
    contactId: contact.id,
    at: now,
    change: 'address_book',
  });
}
