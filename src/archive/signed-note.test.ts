import { describe, expect, it } from 'vitest';
import { canonicalize } from './canonical-json.ts';
import {
  formatCheckpoint,
  formatSignerKey,
  formatVerifierKey,
  generateSigner,
  keyIdOf,
  openNote,
  parseCheckpoint,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from './signed-note.ts';

describe('C2SP signed notes and checkpoints', () => {
  it('signs a checkpoint as a note whose signature line carries the key ID, and verifies it', () => {
    const { signer, seed } = generateSigner('example.com/log');
    const text = formatCheckpoint({ origin: 'example.com/log', size: 5, root: Buffer.alloc(32, 7) });
    expect(text).toBe(`example.com/log\n5\n${Buffer.alloc(32, 7).toString('base64')}\n`);
    const note = signNote(text, signer);
    const [body, sigBlock] = note.split('\n\n');
    expect(`${body}\n`).toBe(text);
    const match = /^\u2014 example\.com\/log ([A-Za-z0-9+/=]+)\n$/.exec(sigBlock ?? '');
    expect(match).not.toBeNull();
    const raw = Buffer.from(match![1]!, 'base64');
    expect(raw.length).toBe(68);
    expect(raw.subarray(0, 4)).toEqual(keyIdOf('example.com/log', signer.publicKey));
    const vkey = formatVerifierKey(signer);
    expect(vkey).toMatch(/^example\.com\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/=]{44}$/);
    expect(openNote(note, parseVerifierKey(vkey))).toEqual({ ok: true, text });
    expect(parseCheckpoint(text).size).toBe(5);
    expect(parseSignerKey(formatSignerKey(signer, seed)).signer.publicKey).toEqual(signer.publicKey);
  });

  it('refuses a changed text, a signature by another key of the same name, and a malformed checkpoint', () => {
    const { signer } = generateSigner('example.com/log');
    const other = generateSigner('example.com/log').signer;
    const text = formatCheckpoint({ origin: 'example.com/log', size: 5, root: Buffer.alloc(32, 7) });
    const note = signNote(text, signer);
    expect(openNote(note.replace('\n5\n', '\n6\n'), signer).ok).toBe(false);
    expect(openNote(signNote(text, other), signer)).toMatchObject({ ok: false });
    expect(() => parseCheckpoint('example.com/log\n05\nAAAA\n')).toThrow();
    expect(() =>
      parseVerifierKey(formatVerifierKey(signer).replace(/\+[0-9a-f]{8}\+/, '+00000000+')),
    ).toThrow();
  });
});

describe('RFC 8785 canonical JSON', () => {
  it('sorts keys by UTF-16 code units and serialises numbers and strings as ECMAScript does', () => {
    // RFC 8785 §3.2.3's sorting example and §3.2.2's number and string forms.
    const sorted = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const values = [...canonicalize(sorted).matchAll(/:"([^"]*)"/g)].map((m) => m[1]);
    expect(values).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
    expect(
      canonicalize({
        numbers: [Number('333333333.33333329'), 1e30, 4.5, 0.002, 1e-27],
        literals: [null, true, false],
      }),
    ).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27]}');
    expect(canonicalize({ b: 'é\u000f"', a: { z: 1, y: [] } })).toBe(
      '{"a":{"y":[],"z":1},"b":"é\\u000f\\""}',
    );
    expect(() => canonicalize({ a: Number.NaN })).toThrow();
  });
});
