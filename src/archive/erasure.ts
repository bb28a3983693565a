import type { Kysely } from 'kysely';
import type { Database, DB } from '../database.ts';
import { createEnvelope, type MasterKeyring } from '../platform/crypto/envelope.ts';
import { AppError } from '../platform/errors.ts';
import { appendEntries } from './archive.repository.ts';
import type { EntryActor } from './archive-entry.ts';
import { activeHoldOn, type HoldRow } from './hold.queries.ts';
import { contactSubject } from './payload-crypto.ts';
import { scrubSqlite } from './sqlite-scrub.ts';

/** What an erasure removed, as its archive entry records it (counts and ids only, nothing personal). */
export type ErasureResult = {
  readonly contactId: string;
  /** The `audit.contact_erased` entry's index. */
  readonly entry: number;
  readonly messages: number;
  readonly conversations: number;
  /** Archive payloads deleted (their entries stay, committed to hashes of content nobody can recover). */
  readonly payloads: number;
  /** Rows deleted per live table. */
  readonly rows: Readonly<Record<string, number>>;
};

// Tables that are not live copies of the contact's data: the log itself, the key store, the holds
// (a compliance record of their own), the event log (scrubbed instead) and the job queue.
const KEEP = new Set([
  'archive_entries',
  'archive_payloads',
  'archive_holds',
  'archive_head',
  'archive_checkpoints',
  'archive_verifications',
  'archive_retention',
  'archive_anchors',
  'data_keys',
  'domain_events',
  'event_cursors',
  'subscriber_failures',
  'messages',
  'conversations',
  'contacts',
]);
const LINKS = ['message_id', 'conversation_id', 'contact_id'] as const;
type Link = (typeof LINKS)[number];
const CHUNK = 400;

/** Every live table with a message, conversation or contact column, found by introspection (features add tables). */
async function linkedTables(db: Kysely<DB>): Promise<{ table: string; column: Link }[]> {
  const tables = await db.introspection.getTables();
  const out: { table: string; column: Link }[] = [];
  for (const t of tables) {
    if (KEEP.has(t.name) || t.name.startsWith('kysely_')) continue;
    for (const c of t.columns) {
      if ((LINKS as readonly string[]).includes(c.name)) out.push({ table: t.name, column: c.name as Link });
    }
  }
  return out;
}

/** The active hold that blocks erasing this contact: on it, its number or one of its conversations. */
export async function holdBlockingErasure(
  db: Kysely<DB>,
  contact: { id: string; phone_number_id: string },
): Promise<HoldRow | null> {
  const direct = await activeHoldOn(db, { contactId: contact.id, phoneNumberId: contact.phone_number_id });
  if (direct) return direct;
  const conversations = await db
    .selectFrom('conversations')
    .select('id')
    .where('contact_id', '=', contact.id)
    .execute();
  for (const c of conversations) {
    const hold = await activeHoldOn(db, { conversationId: c.id });
    if (hold) return hold;
  }
  return null;
}

async function deleteIn(
  trx: Kysely<DB>,
  table: string,
  column: string,
  values: readonly string[],
): Promise<number> {
  let n = 0;
  for (let i = 0; i < values.length; i += CHUNK) {
    const part = values.slice(i, i + CHUNK);
    // biome-ignore lint/suspicious/noExplicitAny: the table comes from introspection, not from DB.
    const result = await (trx as Kysely<any>).deleteFrom(table).where(column, 'in', part).executeTakeFirst();
    n += Number(result.numDeletedRows);
  }
  return n;
}

const ids = (payload: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(payload).filter(([k, v]) => /(^|_)id$/.test(k) && k !== 'wa_id' && typeof v === 'string'),
  );

/**
 * Erases a contact (GDPR Art. 17) by crypto-shredding, unless a legal hold covers it
 * (`LEGAL_HOLD_ACTIVE`): in one transaction it destroys the contact's data key (every archive
 * payload sealed under it becomes unreadable, in backups too), deletes the archive payloads of the
 * contact's entries, removes the contact, its conversations and messages and every live row that
 * refers to them (any table with a `message_id`, `conversation_id` or `contact_id` column, status
 * and pending-change rows by wamid, processed raw webhooks that name the contact), scrubs the event
 * log's payloads down to their ids, and appends an `audit.contact_erased` entry. The entries stay:
 * the log still verifies and shows that they existed and were erased. On SQLite the deleted pages are
 * zeroed (`secure_delete`) and the WAL is checkpointed and truncated afterwards, so the text is gone
 * from the file's bytes.
 */
export async function eraseContact(
  database: Pick<Database, 'db' | 'dialect'>,
  input: { contactId: string; actor: EntryActor; reason: string; now: number; keyring: MasterKeyring },
): Promise<ErasureResult> {
  const { db } = database;
  const tables = await linkedTables(db);
  const result = await db.transaction().execute(async (trx) => {
    const contact = await trx
      .selectFrom('contacts')
      .select(['id', 'phone_number_id', 'wa_id', 'bsuid'])
      .where('id', '=', input.contactId)
      .executeTakeFirst();
    if (!contact) throw new AppError('NOT_FOUND', 'No such contact.');
    const hold = await holdBlockingErasure(trx, contact);
    if (hold) {
      throw new AppError(
        'LEGAL_HOLD_ACTIVE',
        `A legal hold on this ${hold.scope} (placed ${new Date(hold.created_at).toISOString()}) blocks the erasure until it is released.`,
        { hold_id: hold.id, scope: hold.scope, target_id: hold.target_id },
      );
    }
    const identifiers = [contact.wa_id, contact.bsuid].filter((v): v is string => !!v);
    if (identifiers.length > 0) {
      const pending = await trx
        .selectFrom('webhook_events')
        .select('id')
        .where('state', '=', 'pending')
        .where((eb) => eb.or(identifiers.map((v) => eb('body', 'like', `%${JSON.stringify(v)}%`))))
        .executeTakeFirst();
      if (pending)
        throw new AppError(
          'CONFLICT',
          'A webhook about this contact is still being processed; try again shortly.',
        );
    }
    const conversations = (
      await trx.selectFrom('conversations').select('id').where('contact_id', '=', contact.id).execute()
    ).map((r) => r.id);
    const messages = await trx
      .selectFrom('messages')
      .select(['id', 'wamid'])
      .where('contact_id', '=', contact.id)
      .execute();
    const messageIds = messages.map((m) => m.id);
    const wamids = messages.flatMap((m) => (m.wamid ? [m.wamid] : []));
    const byLink: Record<Link, readonly string[]> = {
      message_id: messageIds,
      conversation_id: conversations,
      contact_id: [contact.id],
    };

    // The archive: destroy the key, then delete the payloads of every entry about the contact.
    await createEnvelope(trx, input.keyring).destroy(contactSubject(contact.id), input.now);
    const payloadIdx = (
      await trx
        .selectFrom('archive_entries')
        .select('idx')
        .where((eb) =>
          eb.or([
            eb('contact_id', '=', contact.id),
            ...(conversations.length ? [eb('conversation_id', 'in', conversations)] : []),
          ]),
        )
        .execute()
    ).map((r) => Number(r.idx));
    let payloads = 0;
    for (let i = 0; i < payloadIdx.length; i += CHUNK) {
      const r = await trx
        .deleteFrom('archive_payloads')
        .where('idx', 'in', payloadIdx.slice(i, i + CHUNK))
        .executeTakeFirst();
      payloads += Number(r.numDeletedRows);
    }
    await trx.deleteFrom('archive_payloads').where('contact_id', '=', contact.id).execute();

    // The live tables.
    const rows: Record<string, number> = {};
    const count = (table: string, n: number) => {
      if (n > 0) rows[table] = (rows[table] ?? 0) + n;
    };
    for (const { table, column } of tables) count(table, await deleteIn(trx, table, column, byLink[column]));
    count('message_status_events', await deleteIn(trx, 'message_status_events', 'wamid', wamids));
    count('pending_applies', await deleteIn(trx, 'pending_applies', 'target_wamid', wamids));
    count('messages', await deleteIn(trx, 'messages', 'id', messageIds));
    count('conversations', await deleteIn(trx, 'conversations', 'id', conversations));
    count('contacts', await deleteIn(trx, 'contacts', 'id', [contact.id]));
    if (identifiers.length > 0) {
      const raw = await trx
        .deleteFrom('webhook_events')
        .where('state', '!=', 'pending')
        .where((eb) => eb.or(identifiers.map((v) => eb('body', 'like', `%${JSON.stringify(v)}%`))))
        .executeTakeFirst();
      count('webhook_events', Number(raw.numDeletedRows));
    }

    // The event log keeps each event (subscribers may not have passed it) but only its ids.
    const patterns = [
      `%"contact_id":${JSON.stringify(contact.id)}%`,
      ...conversations.map((c) => `%"conversation_id":${JSON.stringify(c)}%`),
      ...identifiers.map((v) => `%${JSON.stringify(v)}%`),
    ];
    for (let i = 0; i < patterns.length; i += 50) {
      const events = await trx
        .selectFrom('domain_events')
        .select(['id', 'payload_json'])
        .where((eb) => eb.or(patterns.slice(i, i + 50).map((p) => eb('payload_json', 'like', p))))
        .execute();
      for (const e of events) {
        let payload: Record<string, unknown> = {};
        try {
          payload = JSON.parse(e.payload_json) as Record<string, unknown>;
        } catch {
          payload = {};
        }
        await trx
          .updateTable('domain_events')
          .set({ payload_json: JSON.stringify({ ...ids(payload), erased: true }) })
          .where('id', '=', e.id)
          .execute();
      }
      count('domain_events (scrubbed)', events.length);
    }

    const [sealed] = await appendEntries(
      trx,
      [
        {
          type: 'audit.contact_erased',
          eventId: null,
          at: input.now,
          phoneNumberId: contact.phone_number_id,
          contactId: contact.id,
          conversationId: null,
          messageId: null,
          actor: input.actor,
          data: {
            messages: messageIds.length,
            conversations: conversations.length,
            payloads_erased: payloads,
            message_ids: messageIds,
            // A request reference, not the person's name (the form says so).
            reason: input.reason,
          },
          content: null,
        },
      ],
      input.keyring,
    );
    return {
      contactId: contact.id,
      entry: sealed!.idx,
      messages: messageIds.length,
      conversations: conversations.length,
      payloads,
      rows,
    };
  });
  if (database.dialect === 'sqlite') await scrubSqlite(db);
  return result;
}
