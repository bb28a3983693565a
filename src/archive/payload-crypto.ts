import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { Config } from '../platform/config.ts';
import { createEnvelope, type MasterKeyring } from '../platform/crypto/envelope.ts';
import { masterKeyringOf } from '../platform/crypto/keyring.ts';
import { isSealed } from '../platform/crypto/secrets.ts';

/**
 * The archive's payload store is encrypted: each payload's content (a message version, a phone
 * number, a hold's reason) is sealed with envelope encryption under the data key of the contact it
 * concerns (`contact:<id>`, the same key GDPR erasure destroys), or under the archive's own key
 * (`archive`) for content that concerns no contact. Leaves commit to a salted hash of the
 * plaintext, so shredding a key or deleting payloads never changes the tree.
 */
export const payloadSubject = (contactId: string | null): string =>
  contactId === null ? 'archive' : `contact:${contactId}`;

/** The data key subject of a contact's personal content. */
export const contactSubject = (contactId: string): string => payloadSubject(contactId);

/** The master keys the archive seals payloads with (the hub's, `platform/crypto/keyring.ts`). */
export function archiveKeyring(config: Pick<Config, 'masterKeys' | 'dataDir'>): MasterKeyring {
  return masterKeyringOf(config);
}

/** Seals and opens payload contents for one operation (it caches the data keys it unwrapped). */
export type PayloadCipher = {
  seal(contactId: string | null, content: string): Promise<string>;
  /** Reads (creating the missing ones) the data keys of these contacts' payloads in one go. */
  prepare(contactIds: readonly (string | null)[]): Promise<void>;
  /** The plaintext; a legacy plaintext as is; null when the contact's key was destroyed. */
  open(contactId: string | null, stored: string): Promise<string | null>;
};

export function payloadCipher(db: Kysely<DB>, keyring: MasterKeyring): PayloadCipher {
  const envelope = createEnvelope(db, keyring);
  return {
    seal: (contactId, content) => envelope.encrypt(payloadSubject(contactId), content),
    prepare: (contactIds) => envelope.prepare(contactIds.map(payloadSubject), { create: true }),
    async open(contactId, stored) {
      if (!isSealed(stored)) return stored;
      return envelope.decrypt(payloadSubject(contactId), stored);
    },
  };
}
