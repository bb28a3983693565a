import { recordConsent } from '../consent/consent-ledger.ts';
import type { Applied, IngestContext } from '../messages/ingest-context.ts';
import { findOrCreateContact } from './contact.repository.ts';
import type { MarketingPreference } from './inbound-events.ts';

/**
 * A user stopped or resumed marketing messages (`user_preferences`): a record in the consent ledger
 * (source `meta_user_preferences`); the ledger's newest record wins, so a late older one is kept as
 * evidence without changing the state.
 */
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
  await recordConsent(trx, {
    contactId: contact.id,
    numberId: number.id,
    scope: 'marketing',
    action: p.value === 'stop' ? 'opt_out' : 'opt_in',
    source: 'meta_user_preferences',
    evidence: JSON.stringify({ category: p.category, value: p.value }),
    actor: null,
    at: ts,
    now,
  });
}
