import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyConsistency } from '../archive/merkle.ts';
import { type NoteVerifier, openNote, parseCheckpoint } from '../archive/signed-note.ts';
import { cosignatureKeyId, cosignedMessage } from '../archive/witness.ts';

/**
 * A stand-in C2SP `tlog-witness` on 127.0.0.1 (tests only): `POST /add-checkpoint` with
 * `old <size>`, the consistency proof lines, a blank line and the signed checkpoint. It checks the
 * log's signature, answers 409 with its known size when `old` is not it, checks the consistency
 * proof from the tree it last co-signed (422 when it does not hold), then co-signs
 * (cosignature/v1, Ed25519) and answers the signature line.
 */
export type WitnessServer = {
  readonly url: string;
  /** The witness's key in vkey form (`<name>+<id>+base64(0x04 ‖ key)`). */
  readonly key: string;
  /** The size and root it last co-signed, per origin. */
  readonly state: Map<string, { size: number; root: Buffer }>;
  readonly requests: string[];
  close(): Promise<void>;
};

export async function startWitnessServer(input: {
  name: string;
  log: NoteVerifier;
  now?: () => number;
}): Promise<WitnessServer> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'der', type: 'spki' }).subarray(12));
  const keyId = cosignatureKeyId(input.name, raw);
  const state = new Map<string, { size: number; root: Buffer }>();
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      requests.push(body);
      const reply = (status: number, text: string) => {
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(text);
      };
      if (req.method !== 'POST' || req.url !== '/add-checkpoint') return reply(404, 'not found\n');
      const blank = body.indexOf('\n\n');
      const head = body.slice(0, blank).split('\n');
      const note = body.slice(blank + 2);
      const old = /^old (\d+)$/.exec(head[0] ?? '');
      if (!old) return reply(400, 'missing old line\n');
      const opened = openNote(note, input.log);
      if (!opened.ok) return reply(403, `${opened.reason}\n`);
      const checkpoint = parseCheckpoint(opened.text);
      const known = state.get(checkpoint.origin) ?? { size: 0, root: Buffer.alloc(0) };
      if (Number(old[1]) !== known.size) return reply(409, `${known.size}\n`);
      const proof = head.slice(1).map((l) => Buffer.from(l, 'base64'));
      if (checkpoint.size < known.size) return reply(409, `${known.size}\n`);
      if (
        known.size > 0 &&
        !verifyConsistency({
          from: known.size,
          to: checkpoint.size,
          fromRoot: known.root,
          toRoot: checkpoint.root,
          proof,
        })
      )
        return reply(422, 'the consistency proof does not hold\n');
      state.set(checkpoint.origin, { size: checkpoint.size, root: checkpoint.root });
      const time = Math.floor((input.now?.() ?? Date.now()) / 1000);
      const timeBytes = Buffer.alloc(8);
      timeBytes.writeBigUInt64BE(BigInt(time));
      const signature = sign(null, cosignedMessage(opened.text, time), privateKey);
      reply(200, `— ${input.name} ${Buffer.concat([keyId, timeBytes, signature]).toString('base64')}\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    key: `${input.name}+${keyId.toString('hex')}+${Buffer.concat([Buffer.from([0x04]), raw]).toString('base64')}`,
    state,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
