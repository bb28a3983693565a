import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../auth/actor.ts';
import type { Principal } from '../auth/principal.ts';
import { canSeeNumber, visibleNumberIds } from '../numbers/number.queries.ts';
import { AppError } from '../platform/errors.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { withEvents } from '../platform/events/with-events.ts';
import { newId } from '../platform/ids.ts';
import { toApiContact } from './contact.mapper.ts';
import { normalizePhone } from './contact.repository.ts';

type Attributes = Record<string, string | number | boolean | null>;

/**
 * Creates a contact of a number from an integration (a CRM): by phone number (`wa_id`), with an
 * optional name (kept as the address-book name, so it is the display name until the phone's own
 * address book says otherwise) and custom attributes. A contact the number already has is a
 * CONFLICT (use PATCH). Records `contact.created` with who did it.
 */
export async function createContact(
  deps: AppDeps,
  input: {
    principal: Principal;
    phoneNumberId: string;
    waId: string;
    name?: string | null;
    attributes?: Attributes;
  },
) {
  const db = deps.database.db;
  const visible = await visibleNumberIds(db, input.principal);
  const number = await db
    .selectFrom('phone_numbers')
    .select('id')
    .where('id', '=', input.phoneNumberId)
    .executeTakeFirst();
  if (!number || !canSeeNumber(visible, number.id)) throw new AppError('NOT_FOUND', 'No such phone number.');
  const waId = normalizePhone(input.waId);
  if (waId === null || !/^\d{6,15}$/.test(waId))
    throw new AppError('VALIDATION_FAILED', 'wa_id must be a phone number in international form (digits).');
  const now = deps.clock.now();
  const attributes = Object.fromEntries(Object.entries(input.attributes ?? {}).filter(([, v]) => v !== null));
  const row = await withEvents(deps, async (trx) => {
    const inserted = await trx
      .insertInto('contacts')
      .values({
        id: newId(),
        phone_number_id: number.id,
        wa_id: waId,
        bsuid: null,
        parent_bsuid: null,
        username: null,
        profile_name: null,
        profile_name_at: null,
        address_book_name: input.name?.trim() || null,
        address_book_first_name: null,
        in_address_book: 0,
        address_book_synced_at: null,
        marketing_opt_out: 0,
        marketing_opt_out_at: null,
        attributes_json: JSON.stringify(attributes),
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!inserted) throw new AppError('CONFLICT', 'This number already has a contact with that wa_id.');
    await recordEvent(
      trx,
      {
        type: 'contact.created',
        phoneNumberId: number.id,
        payload: { contact_id: inserted.id, wa_id: inserted.wa_id, bsuid: null },
      },
      now,
    );
    return inserted;
  });
  return toApiContact(row);
}

/** The contact if the principal may see it, with its number's business account. */
async function visibleContact(deps: AppDeps, principal: Principal, contactId: string) {
  const found = await deps.database.db
    .selectFrom('contacts')
    .innerJoin('phone_numbers', 'phone_numbers.id', 'contacts.phone_number_id')
    .select(['contacts.id', 'contacts.phone_number_id', 'phone_numbers.waba_id'])
    .where('contacts.id', '=', contactId)
    .executeTakeFirst();
  if (!found || (principal.wabaIds !== null && !principal.wabaIds.includes(found.waba_id)))
    throw new AppError('NOT_FOUND', 'No such contact.');
  return found;
}

/** Sets (or clears, with null) the name an integration gives a contact; records `contact.changed`. */
export async function renameContact(
  deps: AppDeps,
  input: { principal: Principal; contactId: string; name: string | null },
): Promise<void> {
  const contact = await visibleContact(deps, input.principal, input.contactId);
  const now = deps.clock.now();
  await withEvents(deps, async (trx) => {
    await trx
      .updateTable('contacts')
      .set({ address_book_name: input.name?.trim() || null, updated_at: now })
      .where('id', '=', contact.id)
      .execute();
    await recordEvent(
      trx,
      {
        type: 'contact.changed',
        phoneNumberId: contact.phone_number_id,
        payload: { contact_id: contact.id, change: 'name', actor: actorOf(input.principal) },
      },
      now,
    );
  });
}

/**
 * Deletes a contact that has no conversation (a CRM's contact nobody wrote to yet, a mistake);
 * one with conversations is CONTACT_HAS_CONVERSATIONS, since the record of what was said is kept.
 * Records `contact.changed` (`change: 'deleted'`).
 */
export async function deleteContact(
  deps: AppDeps,
  input: { principal: Principal; contactId: string },
): Promise<void> {
  const contact = await visibleContact(deps, input.principal, input.contactId);
  const now = deps.clock.now();
  await withEvents(deps, async (trx) => {
    const conversation = await trx
      .selectFrom('conversations')
      .select('id')
      .where('contact_id', '=', contact.id)
      .executeTakeFirst();
    const message = await trx
      .selectFrom('messages')
      .select('id')
      .where('contact_id', '=', contact.id)
      .executeTakeFirst();
    if (conversation || message) throw new AppError('CONTACT_HAS_CONVERSATIONS');
    await trx.deleteFrom('contact_number_changes').where('contact_id', '=', contact.id).execute();
    await trx.deleteFrom('contacts').where('id', '=', contact.id).execute();
    await recordEvent(
      trx,
      {
        type: 'contact.changed',
        phoneNumberId: contact.phone_number_id,
        payload: { contact_id: contact.id, change: 'deleted', actor: actorOf(input.principal) },
      },
      now,
    );
  });
}
