import { createHash, createPublicKey, verify } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import { storedTree } from './archive.queries.ts';
import type { StoredCheckpoint } from './checkpoint.ts';
import { consistencyProof } from './merkle.ts';

/**
 * Anchoring checkpoints with witnesses (C2SP `tlog-witness`): each new checkpoint is sent to every
 * configured witness with `POST <url>/add-checkpoint`, together with a consistency proof from the
 * size that witness last co-signed, and the witness answers with its co-signature
 * (C2SP `tlog-cosignature`, an Ed25519 signature over `cosignature/v1\ntime <t>\n<checkpoint>`).
 * The hub checks the co-signature with the witness's key and records it in `archive_anchors`. A
 * witness that refuses (a proof that does not hold, a checkpoint it cannot verify) is recorded as a
 * failed anchor: the hub never rewrites history to please it.
 */

const COSIGNATURE = 0x04;
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** A configured witness: where to reach it and the key its co-signatures must verify with. */
export type Witness = {
  readonly url: string;
  readonly name: string;
  readonly keyId: Buffer;
  readonly publicKey: Buffer;
};

/** `SHA-256(name ‖ 0x0A ‖ 0x04 ‖ publicKey)[:4]`, the key ID of a cosignature/v1 key. */
export function cosignatureKeyId(name: string, publicKey: Uint8Array): Buffer {
  return createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Buffer.from([COSIGNATURE]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

/** The message a cosignature/v1 signs: `cosignature/v1\ntime <t>\n` and the checkpoint text. */
export function cosignedMessage(checkpointText: string, time: number): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${time}\n${checkpointText}`, 'utf8');
}

/** Parses a witness verifier key, `<name>+<key ID hex>+base64(0x04 ‖ public key)`. */
export function parseWitnessKey(text: string): Omit<Witness, 'url'> {
  const [name, hex, ...rest] = text.trim().split('+');
  const encoded = rest.join('+');
  const raw = Buffer.from(encoded, 'base64');
  if (!name || !hex || raw.length !== 33 || raw[0] !== COSIGNATURE || raw.toString('base64') !== encoded)
    throw new Error('a witness key is name+keyid+base64(0x04 ‖ Ed25519 public key)');
  const publicKey = Buffer.from(raw.subarray(1));
  const keyId = cosignatureKeyId(name, publicKey);
  if (keyId.toString('hex') !== hex) throw new Error('the witness key ID does not match its key');
  return { name, keyId, publicKey };
}

/** `COEXIST_ARCHIVE_WITNESSES`: comma-separated `<url> <witness key>` pairs. */
export function parseWitnesses(text: string | undefined): Witness[] {
  if (!text) return [];
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const [url, key, ...extra] = item.split(/\s+/);
      if (!url || !key || extra.length > 0 || !/^https?:\/\//.test(url))
        throw new Error('each witness is "<http(s) url> <witness key>"');
      return { url: url.replace(/\/$/, ''), ...parseWitnessKey(key) };
    });
}

/** The body of an add-checkpoint request (C2SP tlog-witness). */
export function addCheckpointBody(oldSize: number, proof: readonly Buffer[], checkpointNote: string): string {
  return `old ${oldSize}\n${proof.map((p) => `${p.toString('base64')}\n`).join('')}\n${checkpointNote}`;
}

/** Checks a witness's answer: one signature line by its key over the checkpoint; returns the line. */
export function checkCosignature(witness: Witness, checkpointText: string, body: string): string | string {
  for (const line of body.split('\n')) {
    const m = /^— (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!m || m[1] !== witness.name) continue;
    const raw = Buffer.from(m[2]!, 'base64');
    if (raw.length !== 4 + 8 + 64 || !raw.subarray(0, 4).equals(witness.keyId)) continue;
    const time = Number(raw.readBigUInt64BE(4));
    const key = createPublicKey({
      key: Buffer.concat([SPKI_PREFIX, witness.publicKey]),
      format: 'der',
      type: 'spki',
    });
    if (verify(null, cosignedMessage(checkpointText, time), key, raw.subarray(12))) return line;
  }
  throw new Error(`the witness ${witness.name} answered without a valid co-signature`);
}

async function lastAnchored(db: Kysely<DB>, target: string): Promise<number> {
  const row = await db
    .selectFrom('archive_anchors')
    .select((eb) => eb.fn.max('size').as('size'))
    .where('target', '=', target)
    .where('ok', '=', 1)
    .executeTakeFirst();
  return Number(row?.size ?? 0);
}

export type AnchorOutcome = { readonly witness: string; readonly ok: boolean; readonly detail: string };

/**
 * Sends a new checkpoint to every witness (with a consistency proof from the size each last
 * co-signed; when a witness answers 409 with the size it knows, once more from that size) and
 * records each outcome. Never throws for a witness's failure: the outcome says it.
 */
export async function anchorWithWitnesses(
  db: Kysely<DB>,
  input: { witnesses: readonly Witness[]; checkpoint: StoredCheckpoint; now: number; timeoutMs?: number },
): Promise<AnchorOutcome[]> {
  const { checkpoint } = input;
  if (input.witnesses.length === 0) return [];
  const tree = await storedTree(db, checkpoint.size);
  const checkpointText = checkpoint.note.slice(0, checkpoint.note.indexOf('\n\n') + 1);
  const outcomes: AnchorOutcome[] = [];
  for (const witness of input.witnesses) {
    const target = `witness:${witness.name}`;
    let oldSize = await lastAnchored(db, target);
    let outcome: AnchorOutcome | null = null;
    for (let attempt = 0; attempt < 2 && outcome === null; attempt++) {
      if (oldSize > checkpoint.size) {
        outcome = {
          witness: witness.name,
          ok: false,
          detail: `the witness knows a larger tree (${oldSize})`,
        };
        break;
      }
      const proof = oldSize === 0 ? [] : consistencyProof(tree, oldSize, checkpoint.size);
      try {
        const res = await fetch(`${witness.url}/add-checkpoint`, {
          method: 'POST',
          body: addCheckpointBody(oldSize, proof, checkpoint.note),
          signal: AbortSignal.timeout(input.timeoutMs ?? 10_000),
        });
        const body = await res.text();
        if (res.status === 409 && /^\d+\n?$/.test(body) && attempt === 0) {
          oldSize = Number(body.trim());
          continue;
        }
        if (res.status !== 200) {
          outcome = { witness: witness.name, ok: false, detail: `HTTP ${res.status}: ${body.slice(0, 200)}` };
        } else {
          outcome = {
            witness: witness.name,
            ok: true,
            detail: checkCosignature(witness, checkpointText, body),
          };
        }
      } catch (error) {
        outcome = { witness: witness.name, ok: false, detail: (error as Error).message };
      }
    }
    outcome ??= { witness: witness.name, ok: false, detail: 'the witness kept refusing the old size' };
    await db
      .insertInto('archive_anchors')
      .values({
        target,
        size: checkpoint.size,
        anchored_at: input.now,
        ok: outcome.ok ? 1 : 0,
        receipt: outcome.ok ? outcome.detail : null,
        error: outcome.ok ? null : outcome.detail,
      })
      .onConflict((oc) =>
        oc.columns(['target', 'size']).doUpdateSet({
          anchored_at: input.now,
          ok: outcome.ok ? 1 : 0,
          receipt: outcome.ok ? outcome.detail : null,
          error: outcome.ok ? null : outcome.detail,
        }),
      )
      .execute();
    outcomes.push(outcome);
  }
  return outcomes;
}
