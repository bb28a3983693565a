import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../database.ts';
import { defineSubscriber } from '../platform/events/subscriber.ts';
import { parseJsonOr } from '../platform/json.ts';
import { recordConsent } from './consent-ledger.ts';

/** Meta's "user stopped marketing messages" send error. */
export const USER_STOPPED_MARKETING = 131050;

/**
 * A send that failed with 131050 (synchronously or by a later `failed` status) is an opt-out in the
 * ledger (source `error_131050`, the error as evidence). Returns whether it recorded one.
 */
export async function applySendError131050(
  trx: Kysely<DB>,
  messageId: string,
  now: number,
): Promise<boolean> {
  const m = await trx
    .selectFrom('messages')
    .select(['id', 'phone_number_id', 'contact_id', 'status', 'status_at', 'error_json', 'wamid'])
    .where('id', '=', messageId)
    .executeTakeFirst();
  if (m?.status !== 'failed' || !m.contact_id || !m.error_json) return false;
  const error = parseJsonOr<{ code?: unknown } | null>(m.error_json, null);
  if (Number(error?.code) !== USER_STOPPED_MARKETING) return false;
  const evidence = `message:${m.id}${m.wamid ? ` wamid:${m.wamid}` : ''} error:${m.error_json.slice(0, 1000)}`;
  const already = await trx
    .selectFrom('consent_records')
    .select('id')
    .where('contact_id', '=', m.contact_id)
    .where('source', '=', 'error_131050')
    .where('evidence', '=', evidence)
    .executeTakeFirst();
  if (already) return false;
  await recordConsent(trx, {
    contactId: m.contact_id,
    numberId: m.phone_number_id,
    scope: 'marketing',
    action: 'opt_out',
    source: 'error_131050',
    evidence,
    actor: null,
    at: m.status_at !== null ? Number(m.status_at) : now,
    now,
  });
  return true;
}

export const consentSendErrorSubscriber = defineSubscriber({
  name: 'consent.error-131050',
  types: ['message.status_changed'],
  async handle(trx: Transaction<DB>, event, context) {
    if (event.payload.to !== 'failed') return;
    const clock = (context as { clock?: { now(): number } } | undefined)?.clock;
    await applySendError131050(
      trx as unknown as Kysely<DB>,
      event.payload.message_id,
      clock?.now() ?? Date.now(),
    );
  },
});
