import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';

/**
 * C2SP `signed-note` with Ed25519 (signature type 0x01) and the `tlog-checkpoint` body. A note is
 * its text (ending in a newline), a blank line, then lines `— <key name> base64(key ID ‖ signature)`;
 * the key ID is `SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key)[:4]`. Verifier keys are written
 * `<name>+<key ID, 8 hex digits>+base64(0x01 ‖ public key)` and private keys
 * `PRIVATE+KEY+<name>+<key ID>+base64(0x01 ‖ 32-byte seed)` (the forms of golang.org/x/mod/sumdb/note,
 * which the C2SP tools read).
 */

const ED25519 = 0x01;
const SIGNATURE_PREFIX = '\u2014 ';
// The DER prefixes of an Ed25519 key in PKCS#8 and SPKI, before the 32 raw bytes.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** An Ed25519 note signer: the private key and what verifiers need to know of it. */
export type NoteSigner = {
  readonly name: string;
  readonly keyId: Buffer;
  readonly publicKey: Buffer;
  readonly privateKey: KeyObject;
};

/** A verifier key: name, key ID and the 32-byte Ed25519 public key. */
export type NoteVerifier = { readonly name: string; readonly keyId: Buffer; readonly publicKey: Buffer };

function checkName(name: string): void {
  if (name.length === 0 || /[\s+]/u.test(name))
    throw new Error('a key name must be non-empty, without spaces or +');
}

// Splits at the first `count - 1` plus signs: the base64 key at the end may contain more.
function splitPlus(text: string, count: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (parts.length < count - 1) {
    const at = rest.indexOf('+');
    if (at < 0) break;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  parts.push(rest);
  return parts;
}

/** `SHA-256(name ‖ 0x0A ‖ 0x01 ‖ publicKey)[:4]`. */
export function keyIdOf(name: string, publicKey: Uint8Array): Buffer {
  return createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Buffer.from([ED25519]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

/** A signer from a 32-byte Ed25519 seed. */
export function signerFromSeed(name: string, seed: Uint8Array): NoteSigner {
  checkName(name);
  if (seed.length !== 32) throw new Error('an Ed25519 seed is 32 bytes');
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicKey = Buffer.from(spki.subarray(SPKI_PREFIX.length));
  return { name, keyId: keyIdOf(name, publicKey), publicKey, privateKey };
}

/** A fresh signer with a random key. */
export function generateSigner(name: string): { signer: NoteSigner; seed: Buffer } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const seed = Buffer.from(der.subarray(PKCS8_PREFIX.length));
  return { signer: signerFromSeed(name, seed), seed };
}

/** The verifier key of a signer, as text: `<name>+<hex key ID>+base64(0x01 ‖ public key)`. */
export function formatVerifierKey(key: Pick<NoteVerifier, 'name' | 'keyId' | 'publicKey'>): string {
  const encoded = Buffer.concat([Buffer.from([ED25519]), key.publicKey]).toString('base64');
  return `${key.name}+${key.keyId.toString('hex')}+${encoded}`;
}

/** Parses a verifier key; throws on any other form, or when its key ID does not match its key. */
export function parseVerifierKey(text: string): NoteVerifier {
  const parts = splitPlus(text.trim(), 3);
  if (parts.length !== 3) throw new Error('a verifier key is name+keyid+key');
  const [name, hex, encoded] = parts as [string, string, string];
  checkName(name);
  const raw = Buffer.from(encoded, 'base64');
  if (
    !/^[0-9a-f]{8}$/.test(hex) ||
    raw.length !== 33 ||
    raw[0] !== ED25519 ||
    raw.toString('base64') !== encoded
  ) {
    throw new Error('not an Ed25519 verifier key');
  }
  const publicKey = Buffer.from(raw.subarray(1));
  const keyId = keyIdOf(name, publicKey);
  if (keyId.toString('hex') !== hex) throw new Error('the key ID does not match the key');
  return { name, keyId, publicKey };
}

/** The private key as text: `PRIVATE+KEY+<name>+<hex key ID>+base64(0x01 ‖ seed)`. */
export function formatSignerKey(signer: NoteSigner, seed: Uint8Array): string {
  const encoded = Buffer.concat([Buffer.from([ED25519]), seed]).toString('base64');
  return `PRIVATE+KEY+${signer.name}+${signer.keyId.toString('hex')}+${encoded}`;
}

/** Parses a private key written by {@link formatSignerKey}. */
export function parseSignerKey(text: string): { signer: NoteSigner; seed: Buffer } {
  const parts = splitPlus(text.trim(), 5);
  if (parts.length !== 5 || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') {
    throw new Error('a signing key is PRIVATE+KEY+name+keyid+key');
  }
  const raw = Buffer.from(parts[4]!, 'base64');
  if (raw.length !== 33 || raw[0] !== ED25519) throw new Error('not an Ed25519 signing key');
  const seed = Buffer.from(raw.subarray(1));
  const signer = signerFromSeed(parts[2]!, seed);
  if (signer.keyId.toString('hex') !== parts[3]) throw new Error('the key ID does not match the key');
  return { signer, seed };
}

/** Signs `text` (which must end in a newline) and returns the whole note. */
export function signNote(text: string, signer: NoteSigner): string {
  if (!text.endsWith('\n')) throw new Error('a note text ends in a newline');
  const signature = sign(null, Buffer.from(text, 'utf8'), signer.privateKey);
  const line = Buffer.concat([signer.keyId, signature]).toString('base64');
  return `${text}\n${SIGNATURE_PREFIX}${signer.name} ${line}\n`;
}

/** Why a note was refused, or its text when a signature of `verifier` on it verifies. */
export type NoteCheck = { ok: true; text: string } | { ok: false; reason: string };

/** Opens a note: splits text and signatures and verifies the one of `verifier` (unknown keys ignored). */
export function openNote(note: string, verifier: NoteVerifier): NoteCheck {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the spec forbids exactly these.
  if (/[\u0000-\u0009\u000b-\u001f]/.test(note))
    return { ok: false, reason: 'control characters in the note' };
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return { ok: false, reason: 'no signature block' };
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  let verified = false;
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX)) return { ok: false, reason: 'a malformed signature line' };
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.lastIndexOf(' ');
    if (space <= 0) return { ok: false, reason: 'a malformed signature line' };
    const name = rest.slice(0, space);
    const raw = Buffer.from(rest.slice(space + 1), 'base64');
    if (raw.toString('base64') !== rest.slice(space + 1))
      return { ok: false, reason: 'a signature not in base64' };
    if (raw.length < 5) return { ok: false, reason: 'a signature too short' };
    if (name !== verifier.name || !raw.subarray(0, 4).equals(verifier.keyId)) continue;
    const key = createPublicKey({
      key: Buffer.concat([SPKI_PREFIX, verifier.publicKey]),
      format: 'der',
      type: 'spki',
    });
    if (!verify(null, Buffer.from(text, 'utf8'), key, raw.subarray(4))) {
      return { ok: false, reason: `the signature of ${name} does not verify` };
    }
    verified = true;
  }
  return verified
    ? { ok: true, text }
    : { ok: false, reason: `no signature by ${verifier.name} (key ${verifier.keyId.toString('hex')})` };
}

/** A `tlog-checkpoint` body: origin, tree size, root hash (plus optional extension lines). */
export type Checkpoint = { readonly origin: string; readonly size: number; readonly root: Buffer };

/** The checkpoint's note text: `<origin>\n<size>\n<base64 root>\n`. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  return `${checkpoint.origin}\n${checkpoint.size}\n${checkpoint.root.toString('base64')}\n`;
}

/** Parses a checkpoint note text; throws on any deviation from `tlog-checkpoint`. */
export function parseCheckpoint(text: string): Checkpoint {
  const lines = text.split('\n');
  if (lines.length < 4 || lines.at(-1) !== '') throw new Error('a checkpoint has three lines');
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (origin.length === 0) throw new Error('a checkpoint names its origin');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) throw new Error('the tree size is not a decimal number');
  const root = Buffer.from(rootText, 'base64');
  if (root.length !== 32 || root.toString('base64') !== rootText)
    throw new Error('the root hash is not base64 SHA-256');
  return { origin, size: Number(sizeText), root };
}
