import type { SandboxContext } from '../core/context.ts';
import { messageValue } from '../webhooks/envelope.ts';
import type { NumberState, PhoneContact } from '../world/types.ts';
import { addCustomer } from '../world/world.ts';

/** One `state_sync` item: `add` carries the names, `remove` only the phone number. */
function item(c: PhoneContact, action: 'add' | 'remove'): Record<string, unknown> {
  const contact: Record<string, unknown> =
    action === 'add'
      ? { full_name: c.fullName, first_name: c.firstName, phone_number: c.phoneNumber }
      : { phone_number: c.phoneNumber };
  return {
    type: 'contact',
    contact,
    action,
    metadata: { timestamp: String(Math.floor(c.updatedAt / 1000)) },
  };
}

function emitStateSync(ctx: SandboxContext, number: NumberState, items: Record<string, unknown>[]): void {
  ctx.emit({
    wabaId: number.wabaId,
    field: 'smb_app_state_sync',
    phoneNumberId: number.phoneNumberId,
    time: null,
    value: messageValue(number, { state_sync: items }),
  });
}

/** Initial contacts sync: every phone-book contact that has WhatsApp, in webhooks of up to 100. */
export function syncAllContacts(ctx: SandboxContext, number: NumberState): number {
  const book = Object.values(ctx.world.phoneContacts[number.phoneNumberId] ?? {}).filter(
    (c) => ctx.world.customers[c.phoneNumber]?.onWhatsApp !== false,
  );
  for (let i = 0; i < book.length; i += 100) {
    const chunk = book.slice(i, i + 100).map((c) => item(c, 'add'));
    ctx.scheduler.schedule(ctx.delay(100 * (i / 100 + 1)), () => emitStateSync(ctx, number, chunk));
  }
  return book.length;
}

/** The owner adds or edits a contact on the phone (sent only once the contacts sync was requested). */
export function upsertPhoneContact(
  ctx: SandboxContext,
  number: NumberState,
  o: { phoneNumber: string; fullName: string; firstName?: string },
): PhoneContact {
  const contact: PhoneContact = {
    phoneNumber: o.phoneNumber,
    fullName: o.fullName,
    firstName: o.firstName ?? o.fullName.split(' ')[0] ?? o.fullName,
    updatedAt: ctx.scheduler.now(),
  };
  if (!ctx.world.phoneContacts[number.phoneNumberId]) ctx.world.phoneContacts[number.phoneNumberId] = {};
  const book = ctx.world.phoneContacts[number.phoneNumberId]!;
  book[o.phoneNumber] = contact;
  if (!ctx.world.customers[o.phoneNumber]) addCustomer(ctx.world, { waId: o.phoneNumber, name: o.fullName });
  ctx.touch();
  if (
    number.connected &&
    number.contactsSyncRequestedAt !== null &&
    ctx.world.customers[o.phoneNumber]?.onWhatsApp
  ) {
    emitStateSync(ctx, number, [item(contact, 'add')]);
  }
  return contact;
}

/** The owner removes a contact from the phone book. */
export function removePhoneContact(ctx: SandboxContext, number: NumberState, phoneNumber: string): boolean {
  const book = ctx.world.phoneContacts[number.phoneNumberId] ?? {};
  const existing = book[phoneNumber];
  if (!existing) return false;
  delete book[phoneNumber];
  ctx.touch();
  if (number.connected && number.contactsSyncRequestedAt !== null) {
    emitStateSync(ctx, number, [item({ ...existing, updatedAt: ctx.scheduler.now() }, 'remove')]);
  }
  return true;
}
