import { describe, expect, it } from 'vitest';
import {
  buildLevels,
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  rootHash,
  verifyConsistency,
  verifyInclusion,
} from './merkle.ts';

// The RFC 6962 test leaves and roots used by Go's and Trillian's Merkle tree tests.
const leaves = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];
const roots = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

const tree = buildLevels(leaves.map((hex) => leafHash(Buffer.from(hex, 'hex'))));

describe('RFC 9162 Merkle tree', () => {
  it('hashes the empty tree and every prefix of the reference leaves to the reference roots', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(roots.map((_, i) => rootHash(tree, i + 1).toString('hex'))).toEqual(roots);
  });

  it('gives the reference inclusion proof of leaf 0 and consistency proof 1 → 8', () => {
    expect(inclusionProof(tree, 0, 8).map((p) => p.toString('hex'))).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(consistencyProof(tree, 6, 8).map((p) => p.toString('hex'))).toEqual([
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
  });

  it('proves every leaf of every tree size up to 40 and refuses a wrong leaf, index or root', () => {
    const big = buildLevels(Array.from({ length: 40 }, (_, i) => leafHash(`entry ${i}`)));
    for (let size = 1; size <= 40; size++) {
      const root = rootHash(big, size);
      for (let index = 0; index < size; index++) {
        const leaf = leafHash(`entry ${index}`);
        const path = inclusionProof(big, index, size);
        expect(verifyInclusion({ index, size, leaf, path, root })).toBe(true);
        expect(verifyInclusion({ index, size, leaf: leafHash('other'), path, root })).toBe(false);
        if (size > 1)
          expect(verifyInclusion({ index: (index + 1) % size, size, leaf, path, root })).toBe(false);
      }
      expect(
        verifyInclusion({
          index: 0,
          size,
          leaf: leafHash('entry 0'),
          path: inclusionProof(big, 0, size),
          root: EMPTY_ROOT,
        }),
      ).toBe(false);
    }
  });

  it('proves consistency between every pair of sizes up to 40 and refuses a rewritten prefix', () => {
    const big = buildLevels(Array.from({ length: 40 }, (_, i) => leafHash(`entry ${i}`)));
    const forged = buildLevels(
      Array.from({ length: 40 }, (_, i) => leafHash(i === 3 ? 'forged' : `entry ${i}`)),
    );
    for (let to = 1; to <= 40; to++) {
      for (let from = 1; from <= to; from++) {
        const proof = consistencyProof(big, from, to);
        const fromRoot = rootHash(big, from);
        const toRoot = rootHash(big, to);
        expect(verifyConsistency({ from, to, fromRoot, toRoot, proof })).toBe(true);
        if (from > 3 && from < to) {
          const forgedRoot = rootHash(forged, from);
          expect(verifyConsistency({ from, to, fromRoot: forgedRoot, toRoot, proof })).toBe(false);
        }
      }
    }
  });
});
