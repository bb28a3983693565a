import type { Kysely } from 'kysely';
import type { DB } from '../../database.ts';
import { createEnvelope, type MasterKeyring, parseMasterKeys } from '../../platform/crypto/envelope.ts';

// An envelope ciphertext starts `v1.`; a `whsec_` secret never does, so the two cannot be confused.
const SEALED = 'v1.';

const subjectOf = (endpointId: string) => `webhook-endpoint:${endpointId}`;

/**
 * How endpoint signing secrets are kept at rest in `webhook_endpoints`. With `COEXIST_MASTER_KEYS`
 * configured, each endpoint's secrets are encrypted with envelope encryption
 * (`platform/crypto/envelope.ts`) under the endpoint's own data key (subject
 * `webhook-endpoint:<id>`), and deleting the endpoint destroys that key. Without master keys they
 * are stored as given (the hub has no other key to encrypt with). Either way a stored value that is
 * still plaintext (written before the keys were configured) is read as is, and is sealed at the
 * endpoint's next rotation.
 *
 * Every call takes the database or transaction to work in, so sealing joins the caller's transaction.
 */
export type SecretStore = {
  /** Whether secrets are encrypted at rest (master keys are configured). */
  readonly encrypts: boolean;
  /** The value to store for `secret`. */
  seal(db: Kysely<DB>, input: { endpointId: string; secret: string }): Promise<string>;
  /** The secret a stored value holds. Throws when it is sealed and cannot be opened (no key, shredded). */
  open(db: Kysely<DB>, input: { endpointId: string; stored: string }): Promise<string>;
  /** Destroys the endpoint's data key (on delete): nothing sealed under it can be opened again. */
  forget(db: Kysely<DB>, input: { endpointId: string; now: number }): Promise<void>;
};

const stores = new Map<string, SecretStore>();

/** The store for the configured master keys (`config.masterKeys`); one per distinct setting. */
export function secretStoreFor(masterKeys: string | undefined): SecretStore {
  const cacheKey = masterKeys ?? '';
  let store = stores.get(cacheKey);
  if (!store) {
    store = buildStore(masterKeys ? parseMasterKeys(masterKeys) : null);
    stores.set(cacheKey, store);
  }
  return store;
}

function buildStore(keyring: MasterKeyring | null): SecretStore {
  return {
    encrypts: keyring !== null,
    async seal(db, { endpointId, secret }) {
      if (!keyring) return secret;
      return createEnvelope(db, keyring).encrypt(subjectOf(endpointId), secret);
    },
    async open(db, { endpointId, stored }) {
      if (!stored.startsWith(SEALED)) return stored;
      if (!keyring)
        throw new Error(`the secret of webhook endpoint ${endpointId} is encrypted but no master key is set`);
      const secret = await createEnvelope(db, keyring).decrypt(subjectOf(endpointId), stored);
      if (secret === null) throw new Error(`the data key of webhook endpoint ${endpointId} was destroyed`);
      return secret;
    },
    async forget(db, { endpointId, now }) {
      if (!keyring) return;
      await createEnvelope(db, keyring).destroy(subjectOf(endpointId), now);
    },
  };
}
