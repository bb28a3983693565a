#!/usr/bin/env python3
"""An independent verifier of Coexist archive export bundles (coexist-archive-export/1).

Written from docs/archive.md, RFC 9162 and C2SP signed-note/tlog-checkpoint, sharing no code with
the hub. Needs Python 3 and the `cryptography` package for Ed25519. Usage:

    python3 verify_bundle.py BUNDLE [VKEY]

Exits 0 when the bundle verifies, 1 naming the first problem otherwise.
"""
import base64
import hashlib
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def b64(text: str) -> bytes:
    """Decodes base64, refusing any but the one canonical encoding (a changed padding bit)."""
    raw = base64.b64decode(text, validate=True)
    if base64.b64encode(raw).decode() != text:
        raise ValueError("not canonical base64")
    return raw


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(index: int, size: int, leaf: bytes, path: list, root: bytes) -> bool:
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def parse_vkey(text: str):
    name, key_id, encoded = text.strip().split("+", 2)
    raw = b64(encoded)
    if len(raw) != 33 or raw[0] != 1:
        raise ValueError("not an Ed25519 verifier key")
    public = raw[1:]
    expected = hashlib.sha256(name.encode() + b"\n" + b"\x01" + public).digest()[:4]
    if expected.hex() != key_id:
        raise ValueError("the key ID does not match the key")
    return name, expected, Ed25519PublicKey.from_public_bytes(public)


def open_note(note: str, name: str, key_id: bytes, key) -> str:
    split = note.rindex("\n\n")
    text = note[: split + 1]
    verified = False
    for line in note[split + 2 : -1].split("\n"):
        if not line.startswith("\u2014 "):
            raise ValueError("a malformed signature line")
        signer, sig = line[2:].rsplit(" ", 1)
        raw = b64(sig)
        if signer != name or raw[:4] != key_id:
            continue
        key.verify(raw[4:], text.encode())
        verified = True
    if not verified:
        raise ValueError("no signature by the key")
    return text


def verify(path: str, trusted_vkey: str | None) -> list:
    data = open(path, "rb").read()
    if not data.endswith(b"\n"):
        return ["the bundle does not end in a newline"]
    lines = [json.loads(line) for line in data[:-1].decode("utf-8").split("\n")]
    header = lines[0]
    if sorted(header) != ["checkpoint", "format", "key", "origin", "tree_size"] or header.get("format") != "coexist-archive-export/1":
        return ["line 1: not a coexist-archive-export/1 header"]
    if trusted_vkey is not None and trusted_vkey.strip() != header["key"]:
        return ["line 1: the bundle is not signed by the trusted key"]
    name, key_id, key = parse_vkey(header["key"])
    try:
        text = open_note(header["checkpoint"], name, key_id, key)
    except (ValueError, InvalidSignature) as error:
        return [f"line 1: the checkpoint does not verify ({error or 'bad signature'})"]
    origin, size_text, root_text, rest = text.split("\n", 3)
    size, root = int(size_text), b64(root_text)
    if rest != "" or origin != name or origin != header["origin"] or size != header["tree_size"]:
        return ["line 1: the checkpoint, key and header disagree"]
    problems, messages, revealed = [], {}, {}
    for number, line in enumerate(lines[1:], start=2):
        if "attachment" in line:
            a = line["attachment"]
            stated = revealed.get(a["index"])
            if messages.get(a["index"]) != a["message_id"] or stated is None:
                problems.append(f"line {number}: the attachment names no entry of this bundle with content")
            elif json.dumps(a["sha256"]) not in stated:
                problems.append(f"line {number}: the attachment's hash is not the one its entry's content states")
            continue
        entry_text, index = line["entry"], line["index"]
        entry = json.loads(entry_text)
        if entry["index"] != index:
            problems.append(f"line {number}: the entry's index is not {index}")
        proof = [b64(p) for p in line["proof"]]
        if not verify_inclusion(index, size, leaf_hash(entry_text.encode("utf-8")), proof, root):
            problems.append(f"line {number}: entry {index} is not in the signed tree")
        messages[index] = entry["message_id"]
        content = line["content"]
        if content is not None:
            digest = hashlib.sha256(b64(content["salt"]) + content["content"].encode("utf-8")).digest()
            if base64.b64encode(digest).decode() != entry["content_sha256"]:
                problems.append(f"line {number}: entry {index}'s content does not match its commitment")
            else:
                revealed[index] = content["content"]
    return problems


def main() -> int:
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        problems = verify(sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else None)
    except (ValueError, KeyError, TypeError, json.JSONDecodeError, UnicodeDecodeError) as error:
        problems = [f"the bundle is malformed: {error!r}"]
    if problems:
        print(f"FAILED: {problems[0]}")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
