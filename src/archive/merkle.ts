import { createHash } from 'node:crypto';

/**
 * RFC 9162 (Certificate Transparency 2.0) Merkle tree hashing, §2.1: a leaf is
 * `SHA-256(0x00 ‖ entry)`, an interior node `SHA-256(0x01 ‖ left ‖ right)`, and the tree of `n`
 * leaves splits at the largest power of two below `n`. Proof generation works on a {@link MerkleLevels}
 * built once from the leaf hashes (O(n)), after which every root, inclusion and consistency proof of
 * any tree size up to `n` costs O(log² n) at most. Verification follows §2.1.3.2 and §2.1.4.2.
 */

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

/** `SHA-256(0x00 ‖ entry)`. */
export function leafHash(entry: Uint8Array | string): Buffer {
  return createHash('sha256')
    .update(LEAF)
    .update(typeof entry === 'string' ? Buffer.from(entry, 'utf8') : entry)
    .digest();
}

/** `SHA-256(0x01 ‖ left ‖ right)`. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE).update(left).update(right).digest();
}

/** The hash of the empty tree, `SHA-256()`. */
export const EMPTY_ROOT = createHash('sha256').digest();

/** Every complete, aligned subtree's hash, level by level (level 0 = the leaves), 32 bytes each. */
export type MerkleLevels = { readonly size: number; readonly levels: readonly Buffer[] };

/** Builds the levels of the tree over `leaves` (32-byte hashes, concatenated or as a list). */
export function buildLevels(leaves: Buffer | readonly Uint8Array[]): MerkleLevels {
  const base = Buffer.isBuffer(leaves) ? leaves : Buffer.concat(leaves as Uint8Array[]);
  if (base.length % 32 !== 0) throw new Error('leaf hashes must be 32 bytes each');
  const levels: Buffer[] = [base];
  let current = base;
  while (current.length >= 64) {
    const pairs = Math.floor(current.length / 64);
    const next = Buffer.allocUnsafe(pairs * 32);
    for (let j = 0; j < pairs; j++) {
      nodeHash(current.subarray(j * 64, j * 64 + 32), current.subarray(j * 64 + 32, j * 64 + 64)).copy(
        next,
        j * 32,
      );
    }
    levels.push(next);
    current = next;
  }
  return { size: base.length / 32, levels };
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[start:end]) from the levels: complete aligned subtrees are looked up, the right edge recursed. */
export function subtreeHash(tree: MerkleLevels, start: number, end: number): Buffer {
  if (end > tree.size || start < 0 || start > end) throw new RangeError('subtree outside the tree');
  const width = end - start;
  if (width === 0) return EMPTY_ROOT;
  if ((width & (width - 1)) === 0 && start % width === 0) {
    const level = Math.log2(width);
    const at = (start / width) * 32;
    return Buffer.from(tree.levels[level]!.subarray(at, at + 32));
  }
  const k = largestPowerOfTwoBelow(width);
  return nodeHash(subtreeHash(tree, start, start + k), subtreeHash(tree, start + k, end));
}

/** The root hash of the first `size` leaves (the whole tree unless told). */
export function rootHash(tree: MerkleLevels, size = tree.size): Buffer {
  return subtreeHash(tree, 0, size);
}

/** RFC 9162 §2.1.3.1 PATH(m, D[0:size]): the audit path of leaf `index` in the tree of `size` leaves. */
export function inclusionProof(tree: MerkleLevels, index: number, size = tree.size): Buffer[] {
  if (!(index >= 0 && index < size)) throw new RangeError('leaf index outside the tree');
  const path: Buffer[] = [];
  const walk = (m: number, start: number, end: number): void => {
    const n = end - start;
    if (n <= 1) return;
    const k = largestPowerOfTwoBelow(n);
    if (m < k) {
      walk(m, start, start + k);
      path.push(subtreeHash(tree, start + k, end));
    } else {
      walk(m - k, start + k, end);
      path.push(subtreeHash(tree, start, start + k));
    }
  };
  walk(index, 0, size);
  return path;
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[0:n]): that the tree of `from` leaves is a prefix of the one of `to`. */
export function consistencyProof(tree: MerkleLevels, from: number, to = tree.size): Buffer[] {
  if (!(from >= 0 && from <= to && to <= tree.size)) throw new RangeError('sizes outside the tree');
  if (from === 0 || from === to) return [];
  const proof: Buffer[] = [];
  const sub = (m: number, start: number, end: number, whole: boolean): void => {
    const n = end - start;
    if (m === n) {
      if (!whole) proof.push(subtreeHash(tree, start, end));
      return;
    }
    const k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      sub(m, start, start + k, whole);
      proof.push(subtreeHash(tree, start + k, end));
    } else {
      sub(m - k, start + k, end, false);
      proof.push(subtreeHash(tree, start, start + k));
    }
  };
  sub(from, 0, to, true);
  return proof;
}

/** RFC 9162 §2.1.3.2: whether `path` proves `leaf` is leaf `index` of the tree of `size` leaves with `root`. */
export function verifyInclusion(input: {
  index: number;
  size: number;
  leaf: Uint8Array;
  path: readonly Uint8Array[];
  root: Uint8Array;
}): boolean {
  const { index, size, path } = input;
  if (!(index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = input.leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && Buffer.from(r).equals(Buffer.from(input.root));
}

/** RFC 9162 §2.1.4.2: whether `proof` shows the tree (`from`, `fromRoot`) is a prefix of (`to`, `toRoot`). */
export function verifyConsistency(input: {
  from: number;
  to: number;
  fromRoot: Uint8Array;
  toRoot: Uint8Array;
  proof: readonly Uint8Array[];
}): boolean {
  const { from, to } = input;
  const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
  if (from > to || from < 0) return false;
  if (from === to) return input.proof.length === 0 && same(input.fromRoot, input.toRoot);
  if (from === 0) return input.proof.length === 0;
  let path = [...input.proof];
  if (path.length === 0) return false;
  // If `from` is an exact power of two, its root is the first node of the path.
  if ((from & (from - 1)) === 0) path = [Buffer.from(input.fromRoot), ...path];
  let fn = from - 1;
  let sn = to - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && same(fr, input.fromRoot) && same(sr, input.toRoot);
}
