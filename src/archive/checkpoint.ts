import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { Config } from '../platform/config.ts';
import { latestCheckpoint, logSize, storedTree } from './archive.queries.ts';
import { archiveSigner } from './archive-key.ts';
import { rootHash } from './merkle.ts';
import { formatCheckpoint, signNote } from './signed-note.ts';

export type StoredCheckpoint = { size: number; root_hash: string; note: string; created_at: number };

/** The log does not extend the newest checkpoint: it was rewritten or shortened. Nothing is signed. */
export class ArchiveInconsistentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveInconsistentError';
  }
}

/**
 * Signs a checkpoint of the log as it is now, unless the newest checkpoint already covers every
 * entry (then returns that one). Before signing it checks that the tree's prefix of the newest
 * checkpoint's size still has that checkpoint's root, so two checkpoints that disagree are never
 * both signed. Two nodes signing the same size write the same note (Ed25519 is deterministic).
 */
export async function makeCheckpoint(
  db: Kysely<DB>,
  input: {
    config: Pick<Config, 'archiveOrigin' | 'archiveSigningKey'> &
      Partial<Pick<Config, 'archiveCheckpointDir'>>;
    now: number;
  },
): Promise<StoredCheckpoint> {
  const size = await logSize(db);
  const latest = await latestCheckpoint(db);
  if (latest && latest.size > size) {
    throw new ArchiveInconsistentError(
      `the log has ${size} entries but checkpoint ${latest.size} was signed`,
    );
  }
  if (latest && latest.size === size) return latest;
  const tree = await storedTree(db, size);
  if (latest && rootHash(tree, latest.size).toString('base64') !== latest.root_hash) {
    throw new ArchiveInconsistentError(
      `the log no longer has checkpoint ${latest.size}'s root; refusing to sign`,
    );
  }
  const signer = await archiveSigner(db, input.config, input.now);
  const root = rootHash(tree);
  const note = signNote(formatCheckpoint({ origin: input.config.archiveOrigin, size, root }), signer);
  const row = { size, root_hash: root.toString('base64'), note, created_at: input.now };
  // Outside first: a folder that disagrees stops the checkpoint from being stored at all.
  if (input.config.archiveCheckpointDir) writeOnce(input.config.archiveCheckpointDir, row);
  await db
    .insertInto('archive_checkpoints')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .execute();
  return row;
}

// The external copy: created once per size and never overwritten (an existing file must agree).
function writeOnce(dir: string, checkpoint: StoredCheckpoint): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${checkpoint.size}.checkpoint`);
  try {
    writeFileSync(file, checkpoint.note, { flag: 'wx', mode: 0o444 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (readFileSync(file, 'utf8').split('\n\n')[0] !== checkpoint.note.split('\n\n')[0]) {
      throw new ArchiveInconsistentError(`${file} holds another checkpoint of size ${checkpoint.size}`);
    }
  }
}
