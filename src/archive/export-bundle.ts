import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { Config } from '../platform/config.ts';
import { storedTree } from './archive.queries.ts';
import { appendEntries } from './archive.repository.ts';
import type { EntryActor } from './archive-entry.ts';
import { archiveSigner } from './archive-key.ts';
import { canonicalize } from './canonical-json.ts';
import { makeCheckpoint } from './checkpoint.ts';
import { inclusionProof } from './merkle.ts';
import { archiveKeyring, payloadCipher } from './payload-crypto.ts';
import { formatVerifierKey } from './signed-note.ts';

/** The bundle format's name, the first line's `format`; `docs/archive.md` specifies it. */
export const BUNDLE_FORMAT = 'coexist-archive-export/1';

/** Which entries an export holds; every bound is optional and they combine. */
export type ExportFilter = {
  readonly from?: number;
  readonly to?: number;
  readonly phoneNumberId?: string;
  readonly contactId?: string;
  readonly conversationId?: string;
};

/**
 * Writes an export bundle (JSON lines, each line canonical JSON): a header with the signed
 * checkpoint and the verifier key, then one line per matching entry with its inclusion proof in that
 * checkpoint's tree and its content and salt where not erased, then one line per attachment hash
 * (Meta's SHA-256 of a media file, which the entry's committed content states).
 * It signs a fresh checkpoint first so that every entry is covered, and records the export itself as
 * an entry (after that checkpoint).
 */
export async function writeBundle(
  db: Kysely<DB>,
  input: {
    config: Pick<Config, 'archiveOrigin' | 'archiveSigningKey' | 'masterKeys' | 'dataDir'>;
    filter: ExportFilter;
    now: number;
    actor: EntryActor | null;
  },
): Promise<{ text: string; entries: number; size: number }> {
  const checkpoint = await makeCheckpoint(db, { config: input.config, now: input.now });
  const signer = await archiveSigner(db, input.config, input.now);
  const tree = await storedTree(db, checkpoint.size);
  const { filter } = input;
  let query = db
    .selectFrom('archive_entries')
    .leftJoin('archive_payloads', 'archive_payloads.idx', 'archive_entries.idx')
    .select(['archive_entries.idx', 'entry', 'message_id', 'salt', 'content', 'archive_payloads.contact_id'])
    .where('archive_entries.idx', '<', checkpoint.size);
  if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('at', '<', filter.to);
  if (filter.phoneNumberId) query = query.where('phone_number_id', '=', filter.phoneNumberId);
  if (filter.contactId) query = query.where('archive_entries.contact_id', '=', filter.contactId);
  if (filter.conversationId) query = query.where('conversation_id', '=', filter.conversationId);
  const rows = await query.orderBy('archive_entries.idx').execute();

  const lines: string[] = [
    canonicalize({
      format: BUNDLE_FORMAT,
      origin: input.config.archiveOrigin,
      key: formatVerifierKey(signer),
      checkpoint: checkpoint.note,
      tree_size: checkpoint.size,
    }),
  ];
  // The newest revealed version of each message: an attachment line is checked against it.
  const messageIndex = new Map<string, { index: number; content: string }>();
  const keyring = archiveKeyring(input.config);
  const cipher = payloadCipher(db, keyring);
  for (const row of rows) {
    const index = Number(row.idx);
    // Content under a destroyed key (an erased contact) is not revealed: the entry still proves it existed.
    const content = row.content === null ? null : await cipher.open(row.contact_id, row.content);
    if (row.message_id && content !== null) messageIndex.set(row.message_id, { index, content });
    lines.push(
      canonicalize({
        index,
        entry: row.entry,
        proof: inclusionProof(tree, index, checkpoint.size).map((p) => p.toString('base64')),
        content: row.salt !== null && content !== null ? { salt: row.salt, content } : null,
      }),
    );
  }
  const messageIds = [...messageIndex.keys()];
  for (let i = 0; i < messageIds.length; i += 500) {
    const media = await db
      .selectFrom('media_files')
      .select(['message_id', 'sha256'])
      .where('message_id', 'in', messageIds.slice(i, i + 500))
      .where('sha256', 'is not', null)
      .execute();
    for (const m of media) {
      lines.push(
        canonicalize({
          attachment: {
            message_id: m.message_id,
            index: messageIndex.get(m.message_id)!.index,
            sha256: m.sha256,
          },
        }),
      );
    }
  }
  await db.transaction().execute(async (trx) => {
    await appendEntries(
      trx,
      [
        {
          type: 'audit.exported',
          eventId: null,
          at: input.now,
          phoneNumberId: filter.phoneNumberId ?? null,
          contactId: filter.contactId ?? null,
          conversationId: filter.conversationId ?? null,
          messageId: null,
          actor: input.actor,
          data: { filter: { ...filter }, entries: rows.length, tree_size: checkpoint.size },
          content: null,
        },
      ],
      keyring,
    );
  });
  return { text: `${lines.join('\n')}\n`, entries: rows.length, size: checkpoint.size };
}
