import { createHash, randomBytes } from 'node:crypto';
import { canonicalize } from './canonical-json.ts';
import { leafHash } from './merkle.ts';

/** The version of the entry format (`v` in every entry); `docs/archive.md` specifies it. */
export const ENTRY_VERSION = 1;

/** Who did it, as the entry records it. */
export type EntryActor = { kind: 'user' | 'token' | 'system'; id: string | null };

/**
 * What the archive records, before it has a number: the entry's public fields (ids, kinds, times:
 * nothing personal) and, apart, the `content` it commits to by a salted hash (a message version's
 * content, a contact's phone number), which stays in the erasable payload store.
 */
export type EntryDraft = {
  readonly type: string;
  readonly eventId: number | null;
  readonly at: number;
  readonly phoneNumberId: string | null;
  readonly contactId: string | null;
  readonly conversationId: string | null;
  readonly messageId: string | null;
  readonly actor: EntryActor | null;
  /** Public, non-personal fields (JSON values); become `data` in the entry. */
  readonly data: Readonly<Record<string, unknown>>;
  /** Committed content, or null. */
  readonly content: unknown;
};

/** An entry ready to store: its text (the leaf), its leaf hash, and the payload row if it has content. */
export type SealedEntry = {
  readonly idx: number;
  readonly draft: EntryDraft;
  readonly entry: string;
  readonly leafHash: string;
  readonly payload: { salt: string; content: string } | null;
};

/** base64 of `SHA-256(salt ‖ canonical content)`: what an entry says about its content. */
export function contentCommitment(salt: Buffer, canonicalContent: string): string {
  return createHash('sha256').update(salt).update(Buffer.from(canonicalContent, 'utf8')).digest('base64');
}

/** The entry object of a draft at `idx`, whose canonical JSON is the leaf. */
export function entryObject(
  idx: number,
  draft: EntryDraft,
  commitment: string | null,
): Record<string, unknown> {
  return {
    v: ENTRY_VERSION,
    index: idx,
    at: draft.at,
    type: draft.type,
    event_id: draft.eventId,
    phone_number_id: draft.phoneNumberId,
    contact_id: draft.contactId,
    conversation_id: draft.conversationId,
    message_id: draft.messageId,
    actor: draft.actor,
    data: draft.data,
    content_sha256: commitment,
  };
}

/** Numbers and seals a draft: a fresh 16-byte salt for its content, the canonical entry and its leaf hash. */
export function sealEntry(idx: number, draft: EntryDraft): SealedEntry {
  let payload: SealedEntry['payload'] = null;
  let commitment: string | null = null;
  if (draft.content !== null && draft.content !== undefined) {
    const salt = randomBytes(16);
    const content = canonicalize(draft.content);
    commitment = contentCommitment(salt, content);
    payload = { salt: salt.toString('base64'), content };
  }
  const entry = canonicalize(entryObject(idx, draft, commitment));
  return { idx, draft, entry, leafHash: leafHash(entry).toString('hex'), payload };
}

/** The fields of a stored entry that verification reads. */
export type ParsedEntry = {
  v: number;
  index: number;
  at: number;
  type: string;
  message_id: string | null;
  contact_id: string | null;
  data: Record<string, unknown>;
  content_sha256: string | null;
};

/** Parses an entry's text, or says why it is not one (not JSON, not canonical, fields missing). */
export function parseEntry(text: string): ParsedEntry | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const e = value as Record<string, unknown>;
  if (e.v !== ENTRY_VERSION || !Number.isInteger(e.index) || typeof e.type !== 'string') {
    return 'missing v, index or type';
  }
  if (typeof e.data !== 'object' || e.data === null) return 'missing data';
  if (canonicalize(value) !== text) return 'not in canonical JSON (RFC 8785)';
  return value as ParsedEntry;
}
