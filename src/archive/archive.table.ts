import type { CryptoTables } from '../platform/crypto/crypto.table.ts';

/**
 * The compliance archive's tables (migration 012). `archive_entries` is the append-only log: each
 * row is one leaf of the RFC 9162 tree (`entry` is its canonical JSON, `leaf_hash` the hex of
 * `SHA-256(0x00 ‖ entry)`), numbered from 0 without gaps (`archive_head.size` hands out the numbers
 * under a row lock). Entries commit to content only through a salted hash; the content itself and the
 * salt live in `archive_payloads`, which retention and erasure may delete while the tree still verifies.
 */
export interface ArchiveEntryTable {
  idx: number;
  /** The domain event the entry records; `null` for entries the archive writes itself. */
  event_id: number | null;
  type: string;
  phone_number_id: string | null;
  contact_id: string | null;
  conversation_id: string | null;
  message_id: string | null;
  /** Who acted (user or token id), for the action trail's filter. */
  actor_id: string | null;
  at: number;
  entry: string;
  leaf_hash: string;
}

/** The committed content of an entry (a message version, personal identifiers) and its salt. */
export interface ArchivePayloadTable {
  idx: number;
  contact_id: string | null;
  /** base64 of the 16 random bytes hashed before the content. */
  salt: string;
  /** The content, as canonical JSON. */
  content: string;
}

/** The one row (`id = 1`) whose `size` is the number of entries: appenders lock it to number theirs. */
export interface ArchiveHeadTable {
  id: number;
  size: number;
}

/** Every signed checkpoint, one per tree size. */
export interface ArchiveCheckpointTable {
  size: number;
  /** base64 root hash. */
  root_hash: string;
  /** The whole C2SP signed note. */
  note: string;
  created_at: number;
}

/** The archive's signing key when none is configured (`name = 'signing'`), generated once. */
export interface ArchiveKeyTable {
  name: string;
  private_key: string;
  created_at: number;
}

/** Each run of `coexist audit verify` (or the API's verification), and its result. */
export interface ArchiveVerificationTable {
  id: string;
  started_at: number;
  finished_at: number;
  size: number;
  ok: number;
  /** The first problem found, or null. */
  problem: string | null;
}

/** A legal hold on a contact, conversation or number: blocks purge and erasure until released. */
export interface ArchiveHoldTable {
  id: string;
  scope: 'contact' | 'conversation' | 'number';
  target_id: string;
  reason: string;
  created_by: string | null;
  created_at: number;
  released_at: number | null;
  released_by: string | null;
  release_reason: string | null;
}

/** A retention class on a number or label: content older than `keep_days` is purged. */
export interface ArchiveRetentionTable {
  id: string;
  scope: 'number' | 'label';
  target_id: string;
  keep_days: number;
  created_at: number;
}

/** Where a checkpoint was anchored (migration 021): a witness's co-signature, or why it failed. */
export interface ArchiveAnchorTable {
  /** `witness:<name>`. */
  target: string;
  size: number;
  anchored_at: number;
  ok: number;
  receipt: string | null;
  error: string | null;
}

/** The archive's tables, with the data keys of envelope encryption (same migration). */
export interface ArchiveTables extends CryptoTables {
  archive_entries: ArchiveEntryTable;
  archive_payloads: ArchivePayloadTable;
  archive_head: ArchiveHeadTable;
  archive_checkpoints: ArchiveCheckpointTable;
  archive_keys: ArchiveKeyTable;
  archive_verifications: ArchiveVerificationTable;
  archive_holds: ArchiveHoldTable;
  archive_retention: ArchiveRetentionTable;
  archive_anchors: ArchiveAnchorTable;
}
