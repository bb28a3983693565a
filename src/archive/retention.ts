import type { Kysely } from 'kysely';
import type { Database, DB } from '../database.ts';
import type { MasterKeyring } from '../platform/crypto/envelope.ts';
import { AppError } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import { appendEntries } from './archive.repository.ts';
import type { EntryActor } from './archive-entry.ts';
import { activeHoldOn } from './hold.queries.ts';
import { scrubSqlite } from './sqlite-scrub.ts';

export type RetentionScope = 'number' | 'label';
export type RetentionClass = {
  id: string;
  scope: RetentionScope;
  target_id: string;
  keep_days: number;
  created_at: number;
};

const DAY = 86_400_000;
const BATCH = 200;

async function scopeExists(db: Kysely<DB>, scope: RetentionScope, targetId: string): Promise<boolean> {
  const row =
    scope === 'number'
      ? await db.selectFrom('phone_numbers').select('id').where('id', '=', targetId).executeTakeFirst()
      : await db.selectFrom('labels').select('id').where('id', '=', targetId).executeTakeFirst();
  return row !== undefined;
}

export async function listRetention(db: Kysely<DB>): Promise<RetentionClass[]> {
  const rows = await db.selectFrom('archive_retention').selectAll().orderBy('created_at').execute();
  return rows.map((r) => ({ ...r, keep_days: Number(r.keep_days), created_at: Number(r.created_at) }));
}

/**
 * Sets the retention class of a number or a label (e.g. 1825, 2190 or 2555 days for 5, 6 or 7
 * years; 90 for "delete after 90 days"), replacing the one it had, and records it as an entry.
 */
export async function setRetention(
  db: Kysely<DB>,
  input: {
    scope: RetentionScope;
    targetId: string;
    keepDays: number;
    actor: EntryActor;
    now: number;
    keyring: MasterKeyring;
  },
): Promise<RetentionClass> {
  if (!(await scopeExists(db, input.scope, input.targetId)))
    throw new AppError('NOT_FOUND', `No such ${input.scope}.`);
  return db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('archive_retention')
      .where('scope', '=', input.scope)
      .where('target_id', '=', input.targetId)
      .execute();
    const row = {
      id: newId(),
      scope: input.scope,
      target_id: input.targetId,
      keep_days: input.keepDays,
      created_at: input.now,
    };
    await trx.insertInto('archive_retention').values(row).execute();
    await appendEntries(
      trx,
      [
        {
          type: 'audit.retention_set',
          eventId: null,
          at: input.now,
          phoneNumberId: input.scope === 'number' ? input.targetId : null,
          contactId: null,
          conversationId: null,
          messageId: null,
          actor: input.actor,
          data: {
            retention_id: row.id,
            scope: input.scope,
            target_id: input.targetId,
            keep_days: input.keepDays,
          },
          content: null,
        },
      ],
      input.keyring,
    );
    return row;
  });
}

/** Removes a retention class (content under it is then kept until another class or an erasure). */
export async function removeRetention(
  db: Kysely<DB>,
  input: { id: string; actor: EntryActor; now: number; keyring: MasterKeyring },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('archive_retention')
      .selectAll()
      .where('id', '=', input.id)
      .executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', 'No such retention class.');
    await trx.deleteFrom('archive_retention').where('id', '=', input.id).execute();
    await appendEntries(
      trx,
      [
        {
          type: 'audit.retention_removed',
          eventId: null,
          at: input.now,
          phoneNumberId: row.scope === 'number' ? row.target_id : null,
          contactId: null,
          conversationId: null,
          messageId: null,
          actor: input.actor,
          data: { retention_id: row.id, scope: row.scope, target_id: row.target_id },
          content: null,
        },
      ],
      input.keyring,
    );
  });
}

export type PurgeReport = {
  /** Messages whose content was removed. */
  readonly purged: number;
  /** Expired messages kept because a legal hold covers them. */
  readonly held: number;
  /** The `audit.purged` entries written. */
  readonly entries: readonly number[];
};

type Candidate = {
  id: string;
  wamid: string | null;
  phone_number_id: string;
  conversation_id: string;
  contact_id: string;
  timestamp: number;
};

/**
 * Purges what expired: a message is removed once it is older than the longest retention class
 * that covers it (its number's, its conversation's labels'), unless a legal hold on its contact,
 * conversation or number is active. Removing means: the message row and every live row that
 * refers to it (media, outbox, status rows), the conversation's preview when it showed expired
 * content, and the archive payloads of the message's entries; the entries themselves stay (they
 * commit to salted hashes only), so the tree keeps verifying. Each batch is one transaction with
 * one `audit.purged` entry listing the message ids.
 */
export async function purgeExpired(
  database: Pick<Database, 'db' | 'dialect'>,
  input: { now: number; keyring: MasterKeyring },
): Promise<PurgeReport> {
  const { db } = database;
  const classes = await listRetention(db);
  if (classes.length === 0) return { purged: 0, held: 0, entries: [] };
  const byNumber = new Map(classes.filter((c) => c.scope === 'number').map((c) => [c.target_id, c]));
  const byLabel = new Map(classes.filter((c) => c.scope === 'label').map((c) => [c.target_id, c]));
  const labelled = new Map<string, number>(); // conversation → longest label class, in days
  if (byLabel.size > 0) {
    const rows = await db
      .selectFrom('conversation_labels')
      .select(['conversation_id', 'label_id'])
      .where('label_id', 'in', [...byLabel.keys()])
      .execute();
    for (const r of rows) {
      const days = byLabel.get(r.label_id)!.keep_days;
      labelled.set(r.conversation_id, Math.max(labelled.get(r.conversation_id) ?? 0, days));
    }
  }
  const shortest = Math.min(...classes.map((c) => c.keep_days));
  const links = await messageLinkedTables(db);
  const holds = new Map<string, boolean>();
  const heldBy = async (m: Candidate) => {
    const key = `${m.contact_id}|${m.conversation_id}|${m.phone_number_id}`;
    if (!holds.has(key)) {
      const hold = await activeHoldOn(db, {
        contactId: m.contact_id,
        conversationId: m.conversation_id,
        phoneNumberId: m.phone_number_id,
      });
      holds.set(key, hold !== null);
    }
    return holds.get(key)!;
  };

  let purged = 0;
  let held = 0;
  const entries: number[] = [];
  let after = '';
  for (;;) {
    // Every message that some class could have expired, in id order.
    let query = db
      .selectFrom('messages')
      .select(['id', 'wamid', 'phone_number_id', 'conversation_id', 'contact_id', 'timestamp'])
      .where('id', '>', after)
      .where('timestamp', '<', input.now - shortest * DAY);
    const numbers = [...byNumber.keys()];
    const conversations = [...labelled.keys()];
    query = query.where((eb) =>
      eb.or([
        ...(numbers.length ? [eb('phone_number_id', 'in', numbers)] : []),
        ...(conversations.length ? [eb('conversation_id', 'in', conversations)] : []),
      ]),
    );
    if (numbers.length === 0 && conversations.length === 0) break;
    const rows = (await query.orderBy('id').limit(BATCH).execute()) as Candidate[];
    if (rows.length === 0) break;
    after = rows.at(-1)!.id;
    const expired: Candidate[] = [];
    for (const m of rows) {
      const days = Math.max(
        byNumber.get(m.phone_number_id)?.keep_days ?? 0,
        labelled.get(m.conversation_id) ?? 0,
      );
      if (Number(m.timestamp) >= input.now - days * DAY) continue;
      if (await heldBy(m)) held++;
      else expired.push(m);
    }
    // One entry per number, so the number's action trail shows its purges.
    for (const number of new Set(expired.map((m) => m.phone_number_id))) {
      const batch = expired.filter((m) => m.phone_number_id === number);
      entries.push(await purgeBatch(db, { messages: batch, links, now: input.now, keyring: input.keyring }));
      purged += batch.length;
    }
    if (rows.length < BATCH) break;
  }
  if (purged > 0 && database.dialect === 'sqlite') await scrubSqlite(db);
  return { purged, held, entries };
}

async function messageLinkedTables(db: Kysely<DB>): Promise<string[]> {
  const tables = await db.introspection.getTables();
  return tables
    .filter(
      (t) =>
        !t.name.startsWith('archive_') &&
        t.name !== 'messages' &&
        t.columns.some((c) => c.name === 'message_id'),
    )
    .map((t) => t.name);
}

async function purgeBatch(
  db: Kysely<DB>,
  input: { messages: Candidate[]; links: string[]; now: number; keyring: MasterKeyring },
): Promise<number> {
  const ids = input.messages.map((m) => m.id);
  const wamids = input.messages.flatMap((m) => (m.wamid ? [m.wamid] : []));
  const conversations = [...new Set(input.messages.map((m) => m.conversation_id))];
  return db.transaction().execute(async (trx) => {
    const idx = (
      await trx.selectFrom('archive_entries').select('idx').where('message_id', 'in', ids).execute()
    ).map((r) => Number(r.idx));
    for (let i = 0; i < idx.length; i += 400) {
      await trx
        .deleteFrom('archive_payloads')
        .where('idx', 'in', idx.slice(i, i + 400))
        .execute();
    }
    for (const table of input.links) {
      // biome-ignore lint/suspicious/noExplicitAny: the table comes from introspection, not from DB.
      await (trx as Kysely<any>).deleteFrom(table).where('message_id', 'in', ids).execute();
    }
    if (wamids.length) {
      await trx.deleteFrom('message_status_events').where('wamid', 'in', wamids).execute();
      await trx.deleteFrom('pending_applies').where('target_wamid', 'in', wamids).execute();
    }
    await trx.deleteFrom('messages').where('id', 'in', ids).execute();
    // A preview that showed a purged message goes too (the newest remaining message sets a new one).
    const newest = Math.max(...input.messages.map((m) => Number(m.timestamp)));
    await trx
      .updateTable('conversations')
      .set({ last_message_preview: null })
      .where('id', 'in', conversations)
      .where('last_message_at', '<=', newest)
      .execute();
    const [sealed] = await appendEntries(
      trx,
      [
        {
          type: 'audit.purged',
          eventId: null,
          at: input.now,
          phoneNumberId: input.messages[0]!.phone_number_id,
          contactId: null,
          conversationId: null,
          messageId: null,
          actor: { kind: 'system', id: 'retention' },
          data: { messages: ids.length, message_ids: ids, payloads_removed: idx.length },
          content: null,
        },
      ],
      input.keyring,
    );
    return sealed!.idx;
  });
}
