import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { MasterKeyring } from '../platform/crypto/envelope.ts';
import { appendEntries } from './archive.repository.ts';
import type { EntryDraft } from './archive-entry.ts';
import { addPendingMessages } from './verify.ts';

const BATCH = 500;

function parse(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Gives an entry to every message stored before the archive was turned on (or whose event was
 * pruned before the archive subscriber saw it): a `message.backfilled` entry committing to its
 * current content, and a `message.revoked` one when it is deleted. Messages whose event the
 * subscriber still has to handle are left to it. After a run, a message without an entry is a real
 * fault again (`coexist audit verify` reports it). Returns how many messages it entered.
 */
export async function backfillMessages(
  db: Kysely<DB>,
  input: { now: number; keyring: MasterKeyring; signal?: AbortSignal },
): Promise<number> {
  let total = 0;
  let after = '';
  // The messages whose event the subscriber has yet to handle, read after each batch's rows (a
  // message and its event commit together, so every visible row whose event waits is in it), but
  // incrementally: each read parses only the events that are new since the last one. (PostgreSQL
  // may commit ids out of order; such a message was stored after the run began, and the one-minute
  // guard below leaves it to the subscriber.)
  const pending = new Set<string>();
  let seenEventId = 0;
  for (;;) {
    if (input.signal?.aborted) break;
    const rows = await db
      .selectFrom('messages')
      .leftJoin('archive_entries', 'archive_entries.message_id', 'messages.id')
      .select([
        'messages.id',
        'messages.phone_number_id',
        'messages.contact_id',
        'messages.conversation_id',
        'wamid',
        'direction',
        'origin',
        'author_user_id',
        'messages.type',
        'timestamp',
        'content_json',
        'edited_content_json',
        'edited_at',
        'deleted_at',
        'received_at',
      ])
      .where('archive_entries.idx', 'is', null)
      .where('messages.id', '>', after)
      .orderBy('messages.id')
      .limit(BATCH)
      .execute();
    if (rows.length === 0) break;
    after = rows.at(-1)!.id;
    seenEventId = await addPendingMessages(db, { into: pending, afterEventId: seenEventId });
    const drafts: EntryDraft[] = [];
    for (const m of rows) {
      // Left to the subscriber: its event is waiting, or it was stored a moment ago.
      if (pending.has(m.id) || Number(m.received_at) > input.now - 60_000) continue;
      const base = {
        eventId: null,
        phoneNumberId: m.phone_number_id,
        contactId: m.contact_id,
        conversationId: m.conversation_id,
        messageId: m.id,
        actor: { kind: 'system' as const, id: 'backfill' },
      };
      const message = {
        wamid: m.wamid,
        direction: m.direction,
        origin: m.origin,
        author_user_id: m.author_user_id,
        message_type: m.type,
        timestamp: Number(m.timestamp),
        edited_at: m.edited_at === null ? null : Number(m.edited_at),
        received_at: Number(m.received_at),
      };
      drafts.push({
        ...base,
        type: 'message.backfilled',
        at: input.now,
        data: message,
        content: parse(m.edited_content_json ?? m.content_json),
      });
      if (m.deleted_at !== null)
        drafts.push({
          ...base,
          type: 'message.revoked',
          at: input.now,
          data: { ...message, deleted_at: Number(m.deleted_at) },
          content: null,
        });
    }
    if (drafts.length > 0) {
      await db.transaction().execute((trx) => appendEntries(trx, drafts, input.keyring));
      total += new Set(drafts.map((d) => d.messageId)).size;
    }
    if (rows.length < BATCH) break;
    // SQLite answers synchronously: without a turn of the event loop between batches, a large
    // backfill would keep the hub from serving requests until it is done.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return total;
}
