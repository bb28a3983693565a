/**
 * Envelope encryption's data keys (migration 012): one random data key per subject (a contact, a
 * secret's owner), stored only wrapped by a master key from configuration. `master_key_id` says
 * which master key wrapped it, so the master key can rotate without re-encrypting any data.
 * Destroying a subject's key (`wrapped_key = null`) makes everything encrypted under it unreadable.
 */
export interface DataKeyTable {
  subject: string;
  wrapped_key: string | null;
  master_key_id: string;
  created_at: number;
  destroyed_at: number | null;
}

export interface CryptoTables {
  data_keys: DataKeyTable;
}
