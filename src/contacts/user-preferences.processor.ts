import { contactEntry, type ItemContext, identityOf, numberForItem } from '../meta-webhooks/item-context.ts';
import { secondsToMs, str, type WebhookItem } from '../meta-webhooks/meta-payload.parser.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { contactChanged, findOrCreateContact } from './contact.repository.ts';

type PreferenceItem = Extract<WebhookItem, { kind: 'user_preference' }>;

/** A user stopped or resumed marketing messages (`user_preferences`); the newest preference wins. */
export async function processUserPreference(ctx: ItemContext, item: PreferenceItem): Promise<void> {
  const { trx, now } = ctx;
  const number = await numberForItem(ctx, item);
  const p = item.preference;
  const category = (str(p.category) ?? '').toLowerCase();
  const value = (str(p.value) ?? '').toLowerCase();
  if (!category.includes('marketing')) throw new Error(`unsupported user preference category: ${category}`);
  if (value !== 'stop' && value !== 'resume') throw new Error(`unsupported user preference value: ${value}`);
  const ts = secondsToMs(p.timestamp) ?? now;
  const who = identityOf(contactEntry(item.contacts, str(p.wa_id), str(p.user_id)));
  const contact = await findOrCreateContact(trx, {
    phoneNumberId: number.id,
    waId: str(p.wa_id) ?? who.waId,
    bsuid: str(p.user_id) ?? who.bsuid,
    profileName: who.profileName,
    at: now,
  });
  if (!contact) throw new Error('user preference names no user');
  const applied = contact.marketing_opt_out_at;
  if (applied !== null && (ts < applied || (ts === applied && value === 'resume'))) return;
  await trx
    .updateTable('contacts')
    .set({ marketing_opt_out: value === 'stop' ? 1 : 0, marketing_opt_out_at: ts, updated_at: now })
    .where('id', '=', contact.id)
    .execute();
  const from = contact.marketing_opt_out ? 'opted_out' : 'opted_in';
  const to = value === 'stop' ? 'opted_out' : 'opted_in';
  const payload = { contact_id: contact.id, from, to, actor: null } as const;
  if (from !== to)
    await recordEvent(trx, { type: 'contact.consent_changed', phoneNumberId: number.id, payload }, now);
  else
    await contactChanged(trx, {
      phoneNumberId: number.id,
      contactId: contact.id,
      at: now,
      change: 'consent_at',
    });
}
