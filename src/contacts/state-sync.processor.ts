import type { ItemContext } from '../meta-webhooks/item-context.ts';
import { numberForItem } from '../meta-webhooks/item-context.ts';
import { isObject, secondsToMs, str, type WebhookItem } from '../meta-webhooks/meta-payload.parser.ts';
import { numberChanged } from '../numbers/number.repository.ts';
import { contactChanged, findOrCreateContact } from './contact.repository.ts';

type StateSyncItem = Extract<WebhookItem, { kind: 'state_sync' }>;

/**
 * Contact sync from the Business app (`smb_app_state_sync`): `add` (new or edited) sets the
 * address-book name, `remove` takes the contact out of the address book (its names go, the contact
 * and its history stay).
 * Applied by `metadata.timestamp`; an update older than the one applied is ignored.
 */
export async function processStateSync(ctx: ItemContext, item: StateSyncItem): Promise<void> {
  const { trx, now } = ctx;
  const s = item.entry;
  const type = str(s.type);
  if (type !== 'contact') throw new Error(`unsupported state_sync type: ${type ?? '(none)'}`);
  const number = await numberForItem(ctx, item);
  // Meta sends no "sync finished" signal; the first contact that arrives is what support can see.
  if (number.contacts_sync_state !== 'received') {
    await trx
      .updateTable('phone_numbers')
      .set({ contacts_sync_state: 'received', updated_at: now })
      .where('id', '=', number.id)
      .execute();
    await numberChanged(trx, { phoneNumberId: number.id, at: now });
  }
  const c = isObject(s.contact) ? s.contact : {};
  const action = str(s.action);
  const meta = isObject(s.metadata) ? s.metadata : {};
  const ts = secondsToMs(meta.timestamp) ?? now;
  const contact = await findOrCreateContact(trx, {
    phoneNumberId: number.id,
    waId: str(c.phone_number) ?? str(c.wa_id),
    bsuid: str(c.user_id),
    at: now,
  });
  if (!contact) throw new Error('state_sync contact has no phone_number');
  const applied = contact.address_book_synced_at;
  // A remove at the same instant as an add wins, so the outcome does not depend on arrival order.
  const newer = applied === null || ts > applied || (ts === applied && action === 'remove');
  if (!newer) return;
  if (action === 'add') {
    await trx
      .updateTable('contacts')
      .set({
        address_book_name: str(c.full_name) ?? contact.address_book_name,
        address_book_first_name: str(c.first_name) ?? contact.address_book_first_name,
        in_address_book: 1,
        address_book_synced_at: ts,
        updated_at: now,
      })
      .where('id', '=', contact.id)
      .execute();
  } else if (action === 'remove') {
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
    throw new Error(`unsupported state_sync action: ${action ?? '(none)'}`);
  }
  await contactChanged(trx, {
    phoneNumberId: number.id,
    contactId: contact.id,
    at: now,
    change: 'address_book',
  });
}
