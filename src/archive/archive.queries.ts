import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import { buildLevels, type MerkleLevels } from './merkle.ts';

/** Rows read per query when scanning the whole log. */
export const PAGE = 20_000;

/** The number of entries (the head's size). */
export async function logSize(db: Kysely<DB>): Promise<number> {
  const head = await db
    .selectFrom('archive_head')
    .select('size')
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(head.size);
}

/** The tree over the stored leaf hashes of the first `size` entries (as stored: verification recomputes them). */
export async function storedTree(db: Kysely<DB>, size: number): Promise<MerkleLevels> {
  const leaves = Buffer.alloc(size * 32);
  let next = 0;
  while (next < size) {
    const rows = await db
      .selectFrom('archive_entries')
      .select(['idx', 'leaf_hash'])
      .where('idx', '>=', next)
      .where('idx', '<', Math.min(size, next + PAGE))
      .orderBy('idx')
      .execute();
    for (const row of rows) {
      const idx = Number(row.idx);
      if (idx !== next) throw new Error(`archive entry ${next} is missing`);
      Buffer.from(row.leaf_hash, 'hex').copy(leaves, idx * 32);
      next++;
    }
    if (rows.length === 0) throw new Error(`archive entry ${next} is missing`);
  }
  return buildLevels(leaves);
}

/** The newest checkpoint, or none yet. */
export async function latestCheckpoint(db: Kysely<DB>) {
  const row = await db
    .selectFrom('archive_checkpoints')
    .selectAll()
    .orderBy('size', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { ...row, size: Number(row.size), created_at: Number(row.created_at) } : null;
}

/** The stored checkpoint of a tree size, if one was made at that size. */
export async function checkpointAt(db: Kysely<DB>, size: number) {
  const row = await db
    .selectFrom('archive_checkpoints')
    .selectAll()
    .where('size', '=', size)
    .executeTakeFirst();
  return row ? { ...row, size: Number(row.size), created_at: Number(row.created_at) } : null;
}
