import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import { newId } from '../platform/ids.ts';
import { contactChanged, normalizePhone } from './contact.repository.ts';
import type { ContactRow } from './contact.table.ts';

/**
 * A customer changed phone number (`system` message `user_changed_number`): logs the change once per
 * message and moves the contact to the new number unless another contact already holds it.
 */
export async function recordNumberChange(
  trx: Kysely<DB>,
  input: { contact: ContactRow; newWaId: string; changedAt: number; wamid: string | null; at: number },
): Promise<void> {
  const newWaId = normalizePhone(input.newWaId);
  if (newWaId === null) return;
  const already = await trx
    .selectFrom('contact_number_changes')
    .select('id')
    .where('contact_id', '=', input.contact.id)
    .where('new_wa_id', '=', newWaId)
    .where('changed_at', '=', input.changedAt)
    .executeTakeFirst();
  if (already) return;
  await trx
    .insertInto('contact_number_changes')
    .values({
      id: newId(),
      contact_id: input.contact.id,
      old_wa_id: input.contact.wa_id,
      new_wa_id: newWaId,
      changed_at: input.changedAt,
      message_wamid: input.wamid,
    })
    .execute();
  const holder = await trx
    .selectFrom('contacts')
    .select('id')
    .where('phone_number_id', '=', input.contact.phone_number_id)
    .where('wa_id', '=', newWaId)
    .executeTakeFirst();
  if (holder) return;
  await trx
    .updateTable('contacts')
    .set({ wa_id: newWaId, updated_at: input.at })
    .where('id', '=', input.contact.id)
    .execute();
  await contactChanged(trx, {
    phoneNumberId: input.contact.phone_number_id,
    contactId: input.contact.id,
    at: input.at,
    change: 'wa_id',
  });
}
