import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../auth/actor.ts';
import type { Principal } from '../auth/principal.ts';
import { toApiContact } from '../contacts/contact.mapper.ts';
import { AppError } from '../platform/errors.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { withEvents } from '../platform/events/with-events.ts';
import { parseJsonOr } from '../platform/json.ts';

/**
 * Merges `attributes` into a contact's (a `null` value removes the key) and records
 * `contact.changed` (`change: 'attributes'`, with who did it). The contact panel's editable part;
 * everything else about a contact comes from WhatsApp.
 */
export async function setContactAttributes(
  deps: AppDeps,
  input: { principal: Principal; contactId: string; attributes: Record<string, unknown> },
) {
  const { principal } = input;
  const now = deps.clock.now();
  const updated = await withEvents(deps, async (trx) => {
    const found = await trx
      .selectFrom('contacts')
      .innerJoin('phone_numbers', 'phone_numbers.id', 'contacts.phone_number_id')
      .selectAll('contacts')
      .select('phone_numbers.waba_id as waba_id')
      .where('contacts.id', '=', input.contactId)
      .executeTakeFirst();
    if (!found || (principal.wabaIds !== null && !principal.wabaIds.includes(found.waba_id))) {
      throw new AppError('NOT_FOUND', 'No such contact.');
    }
    const { waba_id: _, ...contact } = found;
    const stored = parseJsonOr<unknown>(contact.attributes_json, {});
    const attributes: Record<string, unknown> =
      stored !== null && typeof stored === 'object' && !Array.isArray(stored) ? { ...stored } : {};
    for (const [key, value] of Object.entries(input.attributes)) {
      if (value === null) delete attributes[key];
      else attributes[key] = value;
    }
    const attributes_json = JSON.stringify(attributes);
    await trx
      .updateTable('contacts')
      .set({ attributes_json, updated_at: now })
      .where('id', '=', contact.id)
      .execute();
    await recordEvent(
      trx,
      {
        type: 'contact.changed',
        phoneNumberId: contact.phone_number_id,
        payload: { contact_id: contact.id, change: 'attributes', actor: actorOf(principal) },
      },
      now,
    );
    return { ...contact, attributes_json, updated_at: now };
  });
  return toApiContact(updated);
}
