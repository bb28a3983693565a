import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { DomainEvent } from '../platform/events/catalogue.ts';
import {
  findMessageByWamid,
  flushPendingApplies,
  messageAddedEvent,
  type NewMessage,
} from './message.repository.ts';
import type { MessageRow } from './message.table.ts';
import { applyStatusEvents } from './status.repository.ts';

/** Rows per multi-row insert (27 columns each, under SQLite's and PostgreSQL's parameter limits). */
const INSERT_CHUNK = 300;
const LOOKUP_CHUNK = 500;

/** What {@link insertMessages} did with one row. */
export type InsertedMessage = { readonly row: NewMessage; readonly created: MessageRow | null };

/**
 * Inserts many messages keyed by (phone_number_id, wamid), insert-or-ignore, with multi-row
 * inserts: `insertMessage` for a batch. A message created here picks up the changes and statuses
 * that arrived before it (pending applies, unapplied status events), found with one lookup each
 * for the whole batch. Appends the message's catalogue event (`message.received`, `.echoed`,
 * `.imported`) to `events`. `created` is null for a row whose wamid was already stored (or came
 * earlier in the same batch): the caller decides what the second copy changes.
 */
export async function insertMessages(
  trx: Kysely<DB>,
  input: { readonly rows: readonly NewMessage[]; readonly at: number; readonly events: DomainEvent[] },
): Promise<InsertedMessage[]> {
  const seen = new Set<string>();
  const first: NewMessage[] = [];
  for (const row of input.rows) {
    const key = `${row.phone_number_id}\u0000${row.wamid}`;
    if (row.wamid && seen.has(key)) continue;
    if (row.wamid) seen.add(key);
    first.push(row);
  }
  const created = new Map<string, MessageRow>();
  for (let i = 0; i < first.length; i += INSERT_CHUNK) {
    const rows = await trx
      .insertInto('messages')
      .values(first.slice(i, i + INSERT_CHUNK))
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .execute();
    for (const r of rows) created.set(r.id, r);
  }
  const fresh = [...created.values()];
  for (const m of fresh) input.events.push(messageAddedEvent(m));

  const byNumber = new Map<string, MessageRow[]>();
  for (const m of fresh) {
    if (m.wamid === null) continue;
    const list = byNumber.get(m.phone_number_id) ?? [];
    list.push(m);
    byNumber.set(m.phone_number_id, list);
  }
  for (const [pn, messages] of byNumber) {
    const byWamid = new Map(messages.map((m) => [m.wamid as string, m]));
    const wamids = [...byWamid.keys()];
    const outbound = messages.filter((m) => m.direction === 'outbound').map((m) => m.wamid as string);
    for (let i = 0; i < wamids.length; i += LOOKUP_CHUNK) {
      const pending = await trx
        .selectFrom('pending_applies')
        .select('target_wamid')
        .distinct()
        .where('phone_number_id', '=', pn)
        .where('target_wamid', 'in', wamids.slice(i, i + LOOKUP_CHUNK))
        .execute();
      for (const p of pending) {
        const m = byWamid.get(p.target_wamid);
        if (m) await flushPendingApplies(trx, m, input.at);
      }
    }
    for (let i = 0; i < outbound.length; i += LOOKUP_CHUNK) {
      const statuses = await trx
        .selectFrom('message_status_events')
        .select('wamid')
        .distinct()
        .where('phone_number_id', '=', pn)
        .where('wamid', 'in', outbound.slice(i, i + LOOKUP_CHUNK))
        .execute();
      for (const s of statuses)
        await applyStatusEvents(trx, { phoneNumberId: pn, wamid: s.wamid, at: input.at });
    }
  }
  return input.rows.map((row) => ({
    row,
    created: row.id !== undefined ? (created.get(row.id) ?? null) : null,
  }));
}

/**
 * The live copy of a message wins over its imported (history) copy, whichever arrived first: for
 * each row {@link insertMessages} did not create, a stored copy with origin `history` takes what
 * `live(row)` gives, and a `message.updated` (`live_copy`) event is appended to `events`.
 */
export async function replaceImportedCopies(
  trx: Kysely<DB>,
  input: {
    readonly inserted: readonly InsertedMessage[];
    readonly live: (row: NewMessage) => Partial<MessageRow>;
    readonly events: DomainEvent[];
  },
): Promise<void> {
  for (const { row, created } of input.inserted) {
    if (created || !row.wamid) continue;
    const existing = await findMessageByWamid(trx, row.phone_number_id, row.wamid);
    if (existing?.origin !== 'history') continue;
    await trx.updateTable('messages').set(input.live(row)).where('id', '=', existing.id).execute();
    input.events.push({
      type: 'message.updated',
      phoneNumberId: existing.phone_number_id,
      payload: { message_id: existing.id, conversation_id: existing.conversation_id, change: 'live_copy' },
    });
  }
}
