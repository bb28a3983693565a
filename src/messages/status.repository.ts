import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import { findMessageByWamid, messageEvent } from './message.repository.ts';
import type { MessageStatus } from './message.table.ts';

/**
 * Rank of a delivery status: the current status only moves up. `failed` sits below `delivered` so that
 * a later delivered/read (several devices) still shows; the error stays recorded.
 */
export const statusRank: Record<string, number> = {
  queued: 0,
  sending: 0,
  unknown: 0,
  received: 0,
  sent: 1,
  failed: 2,
  delivered: 3,
  read: 4,
  played: 5,
};

const knownStatuses = new Set<MessageStatus>(['sent', 'delivered', 'read', 'played', 'failed']);

/**
 * Applies every status event stored for a wamid to its message, if the message exists. The result is
 * computed from the whole set of events, so it is the same whatever order they arrived in. The
 * outbound engine calls this after it learns the wamid of a message it sent.
 */
export async function applyStatusEvents(
  trx: Kysely<DB>,
  input: { phoneNumberId: string; wamid: string; at: number },
): Promise<boolean> {
  const message = await findMessageByWamid(trx, input.phoneNumberId, input.wamid);
  if (message?.direction !== 'outbound') return false;
  const events = await trx
    .selectFrom('message_status_events')
    .select(['id', 'status', 'timestamp', 'errors_json', 'pricing_json', 'applied'])
    .where('phone_number_id', '=', input.phoneNumberId)
    .where('wamid', '=', input.wamid)
    .execute();
  if (events.length === 0) return false;
  const ranked = events
    .filter((e) => knownStatuses.has(e.status as MessageStatus))
    .sort((a, b) => (statusRank[a.status] ?? 0) - (statusRank[b.status] ?? 0) || a.timestamp - b.timestamp);
  const best = ranked[ranked.length - 1];
  const patch: Record<string, unknown> = {};
  if (best && (statusRank[best.status] ?? 0) > message.status_rank) {
    patch.status = best.status;
    patch.status_at = best.timestamp;
    patch.status_rank = statusRank[best.status] ?? 0;
  } else if (
    best &&
    (statusRank[best.status] ?? 0) === message.status_rank &&
    best.timestamp > (message.status_at ?? 0)
  ) {
    patch.status_at = best.timestamp;
  }
  const lastFailure = ranked.filter((e) => e.status === 'failed' && e.errors_json !== null).pop();
  if (lastFailure && lastFailure.errors_json !== message.error_json)
    patch.error_json = lastFailure.errors_json;
  const priced = ranked.filter((e) => e.pricing_json !== null).pop();
  if (priced && priced.pricing_json !== message.pricing_json) patch.pricing_json = priced.pricing_json;
  const unapplied = events.filter((e) => e.applied === 0).map((e) => e.id);
  if (unapplied.length > 0) {
    await trx.updateTable('message_status_events').set({ applied: 1 }).where('id', 'in', unapplied).execute();
  }
  if (Object.keys(patch).length === 0) return false;
  await trx.updateTable('messages').set(patch).where('id', '=', message.id).execute();
  await messageEvent(trx, 'message.changed', message, input.at, 'status');
  return true;
}

/**
 * Applies unapplied status events whose message has appeared since (for example after the outbound
 * engine stored the wamid). Returns how many wamids were settled.
 */
export async function sweepUnappliedStatuses(
  trx: Kysely<DB>,
  input: { at: number; limit?: number },
): Promise<number> {
  const rows = await trx
    .selectFrom('message_status_events as s')
    .innerJoin('messages as m', (j) =>
      j.onRef('m.phone_number_id', '=', 's.phone_number_id').onRef('m.wamid', '=', 's.wamid'),
    )
    .select(['s.phone_number_id', 's.wamid'])
    .where('s.applied', '=', 0)
    .where('m.direction', '=', 'outbound')
    .distinct()
    .limit(input.limit ?? 100)
    .execute();
  for (const r of rows)
    await applyStatusEvents(trx, { phoneNumberId: r.phone_number_id, wamid: r.wamid, at: input.at });
  return rows.length;
}
