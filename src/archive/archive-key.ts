import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { Config } from '../platform/config.ts';
import { formatSignerKey, generateSigner, type NoteSigner, parseSignerKey } from './signed-note.ts';

/**
 * The archive's checkpoint signer: the configured key (`COEXIST_ARCHIVE_SIGNING_KEY`), or else one
 * generated on first use and kept in `archive_keys` (insert-or-ignore, so every node of a
 * PostgreSQL cluster ends up with the same key). Its name must be the log's origin.
 */
export async function archiveSigner(
  db: Kysely<DB>,
  config: Pick<Config, 'archiveOrigin' | 'archiveSigningKey'>,
  now: number,
): Promise<NoteSigner> {
  if (config.archiveSigningKey) {
    const { signer } = parseSignerKey(config.archiveSigningKey);
    if (signer.name !== config.archiveOrigin) {
      throw new Error(
        `the archive signing key is named ${signer.name}, not the origin ${config.archiveOrigin}`,
      );
    }
    return signer;
  }
  const stored = await storedKey(db, config.archiveOrigin);
  if (stored) return stored;
  const { signer, seed } = generateSigner(config.archiveOrigin);
  await db
    .insertInto('archive_keys')
    .values({ name: 'signing', private_key: formatSignerKey(signer, seed), created_at: now })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const kept = await storedKey(db, config.archiveOrigin);
  if (!kept) throw new Error('the archive signing key could not be stored');
  return kept;
}

async function storedKey(db: Kysely<DB>, origin: string): Promise<NoteSigner | null> {
  const row = await db
    .selectFrom('archive_keys')
    .select('private_key')
    .where('name', '=', 'signing')
    .executeTakeFirst();
  if (!row) return null;
  const { signer } = parseSignerKey(row.private_key);
  if (signer.name !== origin) {
    throw new Error(`the stored archive key is named ${signer.name}, not the origin ${origin}`);
  }
  return signer;
}
