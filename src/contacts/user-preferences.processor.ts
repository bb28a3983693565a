import type { Applied, IngestContext } from '../messages/ingest-context.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { contactChanged, findOrCreateContact } from './contact.repository.ts';
import type { MarketingPreference } from './inbound-events.ts';

/** A user stopped or resumed marketing messages (`user_preferences`); the newest preference wins. */
export async function processUserPreference(
  ctx: IngestContext,
  item: Applied<MarketingPreference>,
): Promise<void> {
  const { trx, now } = ctx;
  const { event: p, number } = item;
  if (!p.category.includes('marketing'))
    throw new Error(`unsupported user preference category: ${p.category}`);
  if (p.value !== 'stop' && p.value !== 'resume')
    throw new Error(`unsupported user preference value: ${p.value}`);
  const ts = p.at ?? now;
  const contact = await findOrCreateContact(trx, {
    phoneNumberId: number.id,
    waId: p.waId,
    bsuid: p.bsuid,
    profileName: p.profileName,
    at: now,
  });
  if (!contact) throw new Error('user preference names no user');
  const applied = contact.marketing_opt_out_at;
  if (applied !== null && (ts < applied || (ts === applied && p.value === 'resume'))) return;
  await trx
    .updateTable('contacts')
    .set({ marketing_opt_out: p.value === 'stop' ? 1 : 0, marketing_opt_out_at: ts, updated_at: now })
    .where('id', '=', contact.id)
    .execute();
  const from = contact.marketing_opt_out ? 'opted_out' : 'opted_in';
  const to = p.value === 'stop' ? 'opted_out' : 'opted_in';
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
