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

/** Where checkpoints are anchored (a witness, the S3 bucket): the newest copy made and the newest refusal after it. */
export type AnchorState = {
  target: string;
  anchored_size: number | null;
  anchored_at: number | null;
  failure: { size: number; at: number; error: string } | null;
};

/** Each anchor target's state, from `archive_anchors`. */
export async function anchorStates(db: Kysely<DB>): Promise<AnchorState[]> {
  const ok = await db
    .selectFrom('archive_anchors')
    .select(['target', (eb) => eb.fn.max('size').as('size'), (eb) => eb.fn.max('anchored_at').as('at')])
    .where('ok', '=', 1)
    .groupBy('target')
    .execute();
  const failed = await db
    .selectFrom('archive_anchors')
    .select(['target', 'size', 'anchored_at', 'error'])
    .where('ok', '=', 0)
    .orderBy('anchored_at', 'desc')
    .execute();
  const targets = [...new Set([...ok.map((r) => r.target), ...failed.map((r) => r.target)])].sort();
  return targets.map((target) => {
    const good = ok.find((r) => r.target === target);
    const goodAt = good ? Number(good.at) : null;
    // Only a refusal newer than the last success is still a problem.
    const bad = failed.find(
      (r) => r.target === target && (goodAt === null || Number(r.anchored_at) > goodAt),
    );
    return {
      target,
      anchored_size: good ? Number(good.size) : null,
      anchored_at: goodAt,
      failure: bad ? { size: Number(bad.size), at: Number(bad.anchored_at), error: bad.error ?? '' } : null,
    };
  });
}
