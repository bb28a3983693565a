import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { MasterKeyring } from '../platform/crypto/envelope.ts';
import { logSize, PAGE } from './archive.queries.ts';
import { archiveSubscriber } from './archive.subscriber.ts';
import { contentCommitment, parseEntry } from './archive-entry.ts';
import { messageVersionTypes } from './archive-event.mapper.ts';
import { canonicalize } from './canonical-json.ts';
import { buildLevels, leafHash, rootHash } from './merkle.ts';
import { payloadCipher } from './payload-crypto.ts';
import { type NoteVerifier, openNote, parseCheckpoint } from './signed-note.ts';

/** What a verification found: `problems[0]` names the first bad entry, checkpoint or message. */
export type VerificationReport = {
  readonly ok: boolean;
  readonly size: number;
  readonly checkpoints: number;
  readonly messages: number;
  readonly problems: readonly string[];
};

const MAX_PROBLEMS = 50;
// The first version of a message; every other version type is newer than it whatever its index.
const ORIGINALS = new Set([
  'message.received',
  'message.echoed',
  'message.imported',
  'message.sent',
  'message.backfilled',
]);

type Latest = { idx: number; commitment: string | null; messageType: unknown; revoked: boolean };

/**
 * Verifies the whole archive against the database: recomputes every leaf from its entry (and checks
 * the entry is canonical and numbered where it sits), rebuilds the tree, checks every stored
 * checkpoint's signature with `verifier` and its root against the tree, checks every payload
 * against its entry's salted commitment, and cross-checks the live messages: each has an entry
 * (unless its event still waits for the archive subscriber) and its current content, type and
 * deletion match its newest entry.
 */
export async function verifyArchive(
  db: Kysely<DB>,
  verifier: NoteVerifier,
  keyring: MasterKeyring,
): Promise<VerificationReport> {
  const problems: string[] = [];
  const report = (p: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  const size = await logSize(db);
  const leaves = Buffer.alloc(size * 32);
  const commitments = new Map<number, string>();
  const latest = new Map<string, Latest>();

  let expected = 0;
  for (;;) {
    const rows = await db
      .selectFrom('archive_entries')
      .select(['idx', 'entry', 'leaf_hash'])
      .where('idx', '>=', expected)
      .orderBy('idx')
      .limit(PAGE)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      const idx = Number(row.idx);
      if (idx >= size) {
        report(`entry ${idx} lies beyond the log's size ${size}`);
        continue;
      }
      if (idx !== expected) report(`entry ${expected} is missing (next stored entry is ${idx})`);
      expected = idx + 1;
      const leaf = leafHash(row.entry);
      leaf.copy(leaves, idx * 32);
      if (leaf.toString('hex') !== row.leaf_hash)
        report(`entry ${idx} was altered: it no longer hashes to its leaf`);
      const entry = parseEntry(row.entry);
      if (typeof entry === 'string') {
        report(`entry ${idx} is not a valid entry: ${entry}`);
        continue;
      }
      if (entry.index !== idx)
        report(`entry ${idx} says it is entry ${entry.index}: entries were moved or swapped`);
      if (entry.content_sha256 !== null) commitments.set(idx, entry.content_sha256);
      if (entry.message_id !== null && messageVersionTypes.has(entry.type)) {
        const before = latest.get(entry.message_id);
        if (entry.type === 'message.revoked') {
          latest.set(entry.message_id, {
            ...(before ?? { idx, commitment: null, messageType: entry.data.message_type }),
            revoked: true,
          });
        } else if (ORIGINALS.has(entry.type) && before && before.commitment !== null) {
          // An original recorded after an edit of it (the ingest recorded the edit's event first, in
          // one batch): the edit is still the newer version.
        } else {
          latest.set(entry.message_id, {
            idx,
            commitment: entry.content_sha256,
            messageType: entry.data.message_type,
            revoked: before?.revoked ?? false,
          });
        }
      }
    }
    if (rows.length < PAGE) break;
  }
  if (expected < size) report(`entry ${expected} is missing (the log has ${size} entries)`);

  const tree = buildLevels(leaves);
  const checkpoints = await verifyCheckpoints(db, { tree, size, verifier, report });
  await verifyPayloads(db, { commitments, keyring, report });
  const messages = await verifyMessages(db, latest, report);
  return { ok: problems.length === 0, size, checkpoints, messages, problems };
}

async function verifyCheckpoints(
  db: Kysely<DB>,
  input: {
    tree: ReturnType<typeof buildLevels>;
    size: number;
    verifier: NoteVerifier;
    report: (p: string) => void;
  },
): Promise<number> {
  const rows = await db.selectFrom('archive_checkpoints').selectAll().orderBy('size').execute();
  let good = 0;
  for (const row of rows) {
    const size = Number(row.size);
    const opened = openNote(row.note, input.verifier);
    if (!opened.ok) {
      input.report(`checkpoint ${size} is not signed by the archive key: ${opened.reason}`);
      continue;
    }
    let checkpoint: ReturnType<typeof parseCheckpoint>;
    try {
      checkpoint = parseCheckpoint(opened.text);
    } catch (error) {
      input.report(`checkpoint ${size} is malformed: ${(error as Error).message}`);
      continue;
    }
    if (checkpoint.origin !== input.verifier.name) {
      input.report(`checkpoint ${size} has origin ${checkpoint.origin}, not ${input.verifier.name}`);
    } else if (checkpoint.size !== size || checkpoint.root.toString('base64') !== row.root_hash) {
      input.report(`checkpoint ${size}'s row does not match its signed note`);
    } else if (size > input.size) {
      input.report(`checkpoint ${size} covers entries the log no longer has (it has ${input.size})`);
    } else if (!rootHash(input.tree, size).equals(checkpoint.root)) {
      input.report(
        `checkpoint ${size} does not match the entries: an entry in [${good}, ${size}) was changed`,
      );
    } else {
      good = size;
    }
  }
  return rows.length;
}

async function verifyPayloads(
  db: Kysely<DB>,
  input: { commitments: Map<number, string>; keyring: MasterKeyring; report: (p: string) => void },
) {
  const { commitments, report } = input;
  const cipher = payloadCipher(db, input.keyring);
  let after = -1;
  for (;;) {
    const rows = await db
      .selectFrom('archive_payloads')
      .select(['idx', 'contact_id', 'salt', 'content'])
      .where('idx', '>', after)
      .orderBy('idx')
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      const idx = Number(row.idx);
      after = idx;
      const expected = commitments.get(idx);
      if (expected === undefined) {
        report(`the archived content of entry ${idx} belongs to no entry that commits to it`);
        continue;
      }
      let content: string | null;
      try {
        content = await cipher.open(row.contact_id, row.content);
      } catch (error) {
        report(`the archived content of entry ${idx} cannot be decrypted: ${(error as Error).message}`);
        continue;
      }
      if (content === null)
        report(`the archived content of entry ${idx} is still stored under a destroyed (erased) key`);
      else if (contentCommitment(Buffer.from(row.salt, 'base64'), content) !== expected) {
        report(`the archived content of entry ${idx} does not match the entry's commitment`);
      }
    }
    if (rows.length < PAGE) break;
  }
}

/** Messages whose creating event the archive subscriber has not handled yet (still to come, or retrying). */
export async function pendingMessages(db: Kysely<DB>): Promise<Set<string>> {
  const pending = new Set<string>();
  await addPendingMessages(db, { into: pending, afterEventId: 0 });
  return pending;
}

/**
 * Adds to `into` the messages whose creating event the archive subscriber has not handled, looking
 * only at events after `afterEventId` (and every retrying one); returns the newest event id seen, so
 * a caller reading again (the backfill, batch after batch) reads only what is new. Handled events
 * are not removed: a caller that keeps a set skips a few messages too many, never one too few.
 */
export async function addPendingMessages(
  db: Kysely<DB>,
  input: { into: Set<string>; afterEventId: number },
): Promise<number> {
  const cursor = await db
    .selectFrom('event_cursors')
    .select('position')
    .where('subscriber', '=', archiveSubscriber.name)
    .executeTakeFirst();
  const after = Math.max(Number(cursor?.position ?? 0), input.afterEventId);
  const rows = await db
    .selectFrom('domain_events')
    .select(['id', 'payload_json'])
    .where('id', '>', after)
    .where('fact', 'in', ['message.received', 'message.echoed', 'message.imported', 'message.sent'])
    .execute();
  const retrying = await db
    .selectFrom('subscriber_failures')
    .innerJoin('domain_events', 'domain_events.id', 'subscriber_failures.event_id')
    .select('domain_events.payload_json')
    .where('subscriber_failures.subscriber', '=', archiveSubscriber.name)
    .where('subscriber_failures.state', '=', 'retrying')
    .execute();
  let newest = after;
  for (const row of [...rows, ...retrying]) {
    if ('id' in row) newest = Math.max(newest, Number(row.id));
    try {
      const id = (JSON.parse(row.payload_json) as { message_id?: string }).message_id;
      if (id) input.into.add(id);
    } catch {
      // An unreadable payload names no message.
    }
  }
  return newest;
}

async function verifyMessages(db: Kysely<DB>, latest: Map<string, Latest>, report: (p: string) => void) {
  const pending = await pendingMessages(db);
  let after = '';
  let count = 0;
  for (;;) {
    const rows = await db
      .selectFrom('messages')
      .select(['id', 'type', 'content_json', 'edited_content_json', 'deleted_at'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    const salts = await saltsOf(
      db,
      rows.flatMap((r) => {
        const l = latest.get(r.id);
        return l && l.commitment !== null ? [l.idx] : [];
      }),
    );
    for (const row of rows) {
      after = row.id;
      count++;
      const entry = latest.get(row.id);
      if (!entry) {
        if (!pending.has(row.id)) report(`message ${row.id} has no archive entry`);
        continue;
      }
      if (entry.revoked !== (row.deleted_at !== null)) {
        report(
          `message ${row.id} is ${row.deleted_at === null ? 'not deleted' : 'deleted'} but its archive says otherwise (entry ${entry.idx})`,
        );
      }
      if (entry.messageType !== row.type) {
        report(`message ${row.id}'s type differs from its newest archive entry ${entry.idx}`);
        continue;
      }
      if (entry.commitment === null) continue;
      const salt = salts.get(entry.idx);
      if (salt === undefined) {
        report(`message ${row.id} is live but the archived content of its entry ${entry.idx} was removed`);
        continue;
      }
      let live: string;
      try {
        live = canonicalize(JSON.parse(row.edited_content_json ?? row.content_json));
      } catch {
        report(`message ${row.id}'s content is not JSON`);
        continue;
      }
      if (contentCommitment(salt, live) !== entry.commitment) {
        report(`message ${row.id}'s current content differs from its newest archive entry ${entry.idx}`);
      }
    }
    if (rows.length < PAGE) break;
  }
  return count;
}

async function saltsOf(db: Kysely<DB>, idxs: number[]): Promise<Map<number, Buffer>> {
  const salts = new Map<number, Buffer>();
  for (let i = 0; i < idxs.length; i += 500) {
    const rows = await db
      .selectFrom('archive_payloads')
      .select(['idx', 'salt'])
      .where('idx', 'in', idxs.slice(i, i + 500))
      .execute();
    for (const row of rows) salts.set(Number(row.idx), Buffer.from(row.salt, 'base64'));
  }
  return salts;
}
