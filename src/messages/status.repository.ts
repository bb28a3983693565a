import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import { findMessageByWamid } from './message.repository.ts';
import type { MessageStatus } from './message.table.ts';
import { statusRankOf, transitionStatus } from './message-status.ts';

const knownStatuses = new Set<MessageStatus>(['sent', 'delivered', 'read', 'played', 'failed']);

/**
 * Applies every status event stored for a wamid to its message, if the message exists, through the
 * one writer of a message's status (`transitionStatus`, one rank table, `{ from, to }` events). The
 * result is computed from the whole set of events, so it is the same whatever order they arrived
 * in. The outbound engine calls this after it learns the wamid of a message it sent.
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
    .sort((a, b) => statusRankOf(a.status) - statusRankOf(b.status) || a.timestamp - b.timestamp);
  const best = ranked[ranked.length - 1];
  const lastFailure = ranked.filter((e) => e.status === 'failed' && e.errors_json !== null).pop();
  const priced = ranked.filter((e) => e.pricing_json !== null).pop();
  const unapplied = events.filter((e) => e.applied === 0).map((e) => e.id);
  if (unapplied.length > 0) {
    await trx.updateTable('message_status_events').set({ applied: 1 }).where('id', 'in', unapplied).execute();
  }
  if (!best) return false;
  const change = await transitionStatus(trx, {
    messageId: message.id,
    to: best.status as MessageStatus,
    statusAt: best.timestamp,
    ...(lastFailure?.errors_json ? { error: lastFailure.errors_json } : {}),
    ...(priced?.pricing_json ? { pricing: priced.pricing_json } : {}),
    at: input.at,
  });
  return change !== null;
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
