import { contentCommitment, parseEntry } from './archive-entry.ts';
import { canonicalize } from './canonical-json.ts';
import { BUNDLE_FORMAT } from './export-bundle.ts';
import { leafHash, verifyInclusion } from './merkle.ts';
import { type NoteVerifier, openNote, parseCheckpoint, parseVerifierKey } from './signed-note.ts';

/** What checking a bundle found; `problems[0]` names the first bad line. */
export type BundleReport = { ok: boolean; entries: number; treeSize: number; problems: string[] };

const keysOf = (o: object) => Object.keys(o).sort().join(',');
// Lenient decoders ignore a changed padding bit; a bundle must use the one canonical encoding.
const strictBase64 = (text: unknown): Buffer | null => {
  if (typeof text !== 'string') return null;
  const raw = Buffer.from(text, 'base64');
  return raw.toString('base64') === text ? raw : null;
};

/**
 * Checks an export bundle offline, without the database: every line is canonical JSON; the
 * checkpoint is signed by the bundle's key (or by `trusted`, which a careful auditor pins: a
 * bundle's own key proves nothing about who made it); every entry's leaf is included in the
 * checkpoint's tree by its proof; every revealed content matches its entry's salted commitment; every
 * attachment names an entry of the bundle.
 */
export function verifyBundle(text: string, trusted?: NoteVerifier): BundleReport {
  const problems: string[] = [];
  const fail = (line: number, why: string) => problems.push(`line ${line}: ${why}`);
  if (!text.endsWith('\n'))
    return { ok: false, entries: 0, treeSize: 0, problems: ['the bundle does not end in a newline'] };
  const lines = text.slice(0, -1).split('\n');
  const parsed: unknown[] = [];
  for (const [i, line] of lines.entries()) {
    try {
      const value = JSON.parse(line) as unknown;
      if (canonicalize(value) !== line) fail(i + 1, 'not canonical JSON');
      parsed.push(value);
    } catch {
      fail(i + 1, 'not JSON');
      parsed.push(null);
    }
  }
  if (problems.length > 0) return { ok: false, entries: 0, treeSize: 0, problems };
  const header = parsed[0] as Record<string, unknown>;
  if (keysOf(header) !== 'checkpoint,format,key,origin,tree_size' || header.format !== BUNDLE_FORMAT) {
    return {
      ok: false,
      entries: 0,
      treeSize: 0,
      problems: ['line 1: not a coexist-archive-export/1 header'],
    };
  }
  let verifier: NoteVerifier;
  try {
    verifier = parseVerifierKey(String(header.key));
  } catch (error) {
    return {
      ok: false,
      entries: 0,
      treeSize: 0,
      problems: [`line 1: the key is not valid: ${(error as Error).message}`],
    };
  }
  if (trusted && (trusted.name !== verifier.name || !trusted.publicKey.equals(verifier.publicKey))) {
    return {
      ok: false,
      entries: 0,
      treeSize: 0,
      problems: ['line 1: the bundle is not signed by the trusted key'],
    };
  }
  const opened = openNote(String(header.checkpoint), verifier);
  if (!opened.ok)
    return { ok: false, entries: 0, treeSize: 0, problems: [`line 1: the checkpoint: ${opened.reason}`] };
  let checkpoint: ReturnType<typeof parseCheckpoint>;
  try {
    checkpoint = parseCheckpoint(opened.text);
  } catch (error) {
    return { ok: false, entries: 0, treeSize: 0, problems: [`line 1: ${(error as Error).message}`] };
  }
  if (
    checkpoint.origin !== header.origin ||
    verifier.name !== header.origin ||
    checkpoint.size !== header.tree_size
  ) {
    fail(1, 'the origin, key name and tree size do not agree with the checkpoint');
  }
  const messageAt = new Map<number, string | null>();
  const revealed = new Map<number, string>();
  let entries = 0;
  for (const [i, value] of parsed.slice(1).entries()) {
    const n = i + 2;
    const line = value as Record<string, unknown>;
    if (keysOf(line) === 'attachment') {
      const a = line.attachment as Record<string, unknown>;
      const stated = revealed.get(Number(a.index));
      if (keysOf(a) !== 'index,message_id,sha256' || typeof a.sha256 !== 'string') {
        fail(n, 'a malformed attachment line');
      } else if (messageAt.get(Number(a.index)) !== a.message_id || stated === undefined) {
        fail(n, 'the attachment names no entry of this bundle with content');
      } else if (!stated.includes(JSON.stringify(a.sha256))) {
        fail(n, "the attachment's hash is not the one its entry's content states");
      }
      continue;
    }
    if (
      keysOf(line) !== 'content,entry,index,proof' ||
      typeof line.entry !== 'string' ||
      !Array.isArray(line.proof)
    ) {
      fail(n, 'not an entry line');
      continue;
    }
    entries++;
    const index = Number(line.index);
    const entry = parseEntry(line.entry);
    if (typeof entry === 'string') {
      fail(n, `entry ${index}: ${entry}`);
      continue;
    }
    if (entry.index !== index) fail(n, `the line says entry ${index} but the entry says ${entry.index}`);
    const proof = (line.proof as unknown[]).map(strictBase64);
    if (proof.some((p) => p === null || p.length !== 32)) {
      fail(n, `entry ${index}: a proof hash is not canonical base64 of 32 bytes`);
      continue;
    }
    if (
      !verifyInclusion({
        index,
        size: checkpoint.size,
        leaf: leafHash(line.entry),
        path: proof as Buffer[],
        root: checkpoint.root,
      })
    ) {
      fail(n, `entry ${index} is not in the signed tree`);
    }
    messageAt.set(index, entry.message_id);
    if (line.content !== null) {
      const c = line.content as Record<string, unknown>;
      const salt = strictBase64(c.salt);
      if (keysOf(c) !== 'content,salt' || typeof c.content !== 'string' || salt === null) {
        fail(n, `entry ${index}: malformed content`);
      } else if (contentCommitment(salt, c.content) !== entry.content_sha256) {
        fail(n, `entry ${index}: the content does not match the entry's commitment`);
      } else revealed.set(index, c.content);
    }
  }
  return { ok: problems.length === 0, entries, treeSize: checkpoint.size, problems };
}
