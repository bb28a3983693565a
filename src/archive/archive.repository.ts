import { type Kysely, sql } from 'kysely';
import type { DB } from '../database.ts';
import type { MasterKeyring } from '../platform/crypto/envelope.ts';
import { type EntryDraft, type SealedEntry, sealEntry } from './archive-entry.ts';
import { messageVersionTypes } from './archive-event.mapper.ts';
import { payloadCipher } from './payload-crypto.ts';

// Rows per insert statement (well under SQLite's bound-parameter limit with 11 columns).
const CHUNK = 200;

/**
 * Appends entries to the log inside the caller's transaction. The numbers come from `archive_head`,
 * whose row the update locks until the transaction ends, so concurrent appenders (the subscriber on
 * one node, an export on another) get consecutive numbers without gaps and commit in number order.
 * A message version points at the message's original entry and at the one before it. Each payload
 * is stored encrypted under its contact's data key (`payload-crypto.ts`).
 */
export async function appendEntries(
  trx: Kysely<DB>,
  drafts: readonly EntryDraft[],
  keyring: MasterKeyring,
): Promise<SealedEntry[]> {
  if (drafts.length === 0) return [];
  const cipher = payloadCipher(trx, keyring);
  const head = await trx
    .updateTable('archive_head')
    .set({ size: sql`size + ${drafts.length}` })
    .where('id', '=', 1)
    .returning('size')
    .executeTakeFirstOrThrow();
  const first = Number(head.size) - drafts.length;
  const sealed: SealedEntry[] = [];
  // The versions already in the log of the batch's messages, read once the head's lock is held (so
  // they include every entry committed before). Versions of one message in this very batch point at
  // each other, so `seen` then keeps the latest per message as the batch's entries are numbered.
  const seen = await versionsOf(
    trx,
    drafts.filter((d) => d.messageId !== null && messageVersionTypes.has(d.type)).map((d) => d.messageId!),
  );
  for (const [i, draft] of drafts.entries()) {
    const idx = first + i;
    let final = draft;
    if (draft.messageId !== null && messageVersionTypes.has(draft.type)) {
      const known = seen.get(draft.messageId);
      if (known)
        final = { ...draft, data: { ...draft.data, original: known.original, previous: known.previous } };
      seen.set(draft.messageId, { original: known?.original ?? idx, previous: idx });
    }
    sealed.push(sealEntry(idx, final));
  }
  for (let i = 0; i < sealed.length; i += CHUNK) {
    const part = sealed.slice(i, i + CHUNK);
    await trx
      .insertInto('archive_entries')
      .values(
        part.map((s) => ({
          idx: s.idx,
          event_id: s.draft.eventId,
          type: s.draft.type,
          phone_number_id: s.draft.phoneNumberId,
          contact_id: s.draft.contactId,
          conversation_id: s.draft.conversationId,
          message_id: s.draft.messageId,
          actor_id: s.draft.actor?.id ?? null,
          at: s.draft.at,
          entry: s.entry,
          leaf_hash: s.leafHash,
        })),
      )
      .execute();
    const payloads = part.filter((s) => s.payload !== null);
    if (payloads.length > 0) {
      // The contacts' data keys in one read (and one insert for new contacts), not one per payload.
      await cipher.prepare(payloads.map((s) => s.draft.contactId));
      const values = [];
      for (const s of payloads) {
        values.push({
          idx: s.idx,
          contact_id: s.draft.contactId,
          salt: s.payload!.salt,
          content: await cipher.seal(s.draft.contactId, s.payload!.content),
        });
      }
      await trx.insertInto('archive_payloads').values(values).execute();
    }
  }
  return sealed;
}

// Message ids per query of their versions (well under SQLite's bound-parameter limit).
const IDS_PER_QUERY = 500;

/** Each message's first and latest version in the log (a message without any is not in the map). */
async function versionsOf(
  trx: Kysely<DB>,
  messageIds: readonly string[],
): Promise<Map<string, { original: number; previous: number }>> {
  const ids = [...new Set(messageIds)];
  const versions = new Map<string, { original: number; previous: number }>();
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    const rows = await trx
      .selectFrom('archive_entries')
      .select((eb) => ['message_id', eb.fn.min('idx').as('original'), eb.fn.max('idx').as('previous')])
      .where('message_id', 'in', ids.slice(i, i + IDS_PER_QUERY))
      .where('type', 'in', [...messageVersionTypes])
      .groupBy('message_id')
      .execute();
    for (const row of rows) {
      if (row.message_id === null || row.original === null || row.previous === null) continue;
      versions.set(row.message_id, { original: Number(row.original), previous: Number(row.previous) });
    }
  }
  return versions;
}

/** Whether the entry of a domain event is already in the log (a redelivered event). */
/** Which of `eventIds` already have an entry (one query; a redelivered batch after a crash). */
export async function eventsWithEntries(trx: Kysely<DB>, eventIds: readonly number[]): Promise<Set<number>> {
  if (eventIds.length === 0) return new Set();
  const rows = await trx
    .selectFrom('archive_entries')
    .select('event_id')
    .where('event_id', 'in', [...eventIds])
    .execute();
  return new Set(rows.map((r) => Number(r.event_id)));
}

export async function hasEntryForEvent(trx: Kysely<DB>, eventId: number): Promise<boolean> {
  const row = await trx
    .selectFrom('archive_entries')
    .select('idx')
    .where('event_id', '=', eventId)
    .executeTakeFirst();
  return row !== undefined;
}
