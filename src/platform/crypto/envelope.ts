import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { CryptoTables } from './crypto.table.ts';

/**
 * Envelope encryption, the hub's one mechanism for data at rest that must be unreadable without a
 * key: each subject (a contact's personal content, an account's secrets) gets a random 256-bit data
 * key, stored only wrapped (AES-256-GCM) by a master key from configuration (`COEXIST_MASTER_KEYS`).
 * Data is encrypted with the subject's data key (AES-256-GCM, the subject as associated data, so a
 * ciphertext moved to another subject fails). Rotating the master key rewraps the data keys only;
 * destroying a subject's data key (crypto-shredding) makes everything encrypted under it unreadable.
 *
 * ```ts
 * const envelope = createEnvelope(db, parseMasterKeys(config.masterKeys!));
 * const sealed = await envelope.encrypt('contact:123', 'hello');
 * await envelope.decrypt('contact:123', sealed); // 'hello'
 * await envelope.destroy('contact:123', now);     // now decrypt returns null
 * ```
 */

const VERSION = 'v1';
// Subjects per query of `prepare` (well under SQLite's bound-parameter limit with 5 columns).
const SUBJECTS_PER_QUERY = 500;

/** A master key: its id (stored beside every data key it wraps) and 32 bytes. */
export type MasterKey = { readonly id: string; readonly key: Buffer };

/** The configured master keys, the first the current one (new data keys are wrapped by it). */
export type MasterKeyring = { readonly current: MasterKey; readonly all: ReadonlyMap<string, MasterKey> };

/** Parses `id:base64,id:base64` (the first current); throws on a key that is not 32 bytes or a repeated id. */
export function parseMasterKeys(text: string): MasterKeyring {
  const keys = text.split(',').map((part) => {
    const [id, encoded] = part.trim().split(':');
    const key = Buffer.from(encoded ?? '', 'base64');
    if (!id || key.length !== 32) throw new Error('a master key is id:base64 of 32 bytes');
    return { id, key };
  });
  const all = new Map(keys.map((k) => [k.id, k]));
  if (all.size !== keys.length) throw new Error('two master keys share an id');
  return { current: keys[0]!, all };
}

/** A fresh master key in `id:base64` form, for the configuration. */
export function generateMasterKey(id: string): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

function seal(key: Buffer, plaintext: Buffer, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

function open(key: Buffer, sealed: string, aad: string): Buffer {
  const raw = Buffer.from(sealed, 'base64');
  if (raw.length < 28) throw new Error('ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
}

/**
 * Encryption bound to one database's data keys and the configured master keys. An envelope keeps
 * the data keys it unwrapped for its lifetime: make one per operation (a request, a job run, a
 * transaction), not one per process, so a key destroyed elsewhere is not used from memory.
 */
export type Envelope = {
  /** Encrypts under the subject's data key (created on first use); `v1.<base64>`. */
  encrypt(subject: string, plaintext: string): Promise<string>;
  /** Decrypts; null when the subject's key was destroyed. Throws on a tampered or misplaced ciphertext. */
  decrypt(subject: string, sealed: string): Promise<string | null>;
  /** Destroys the subject's data key: every ciphertext under it is unreadable from now on. */
  destroy(subject: string, now: number): Promise<void>;
  /**
   * Reads the data keys of these subjects in one query, for the encrypts and decrypts that follow
   * (a batch sealing entries of many contacts); with `create`, creates the missing ones in one
   * insert, as `encrypt` would one by one. A destroyed subject stays destroyed.
   */
  prepare(subjects: readonly string[], options?: { create?: boolean }): Promise<void>;
  /** Rewraps every data key not wrapped by the current master key; returns how many. */
  rotate(): Promise<number>;
};

// Any schema that has the data keys table.
const keysOf = <S extends CryptoTables>(db: Kysely<S> | Transaction<S>) =>
  db as unknown as Kysely<CryptoTables>;

export function createEnvelope<S extends CryptoTables>(
  database: Kysely<S> | Transaction<S>,
  keyring: MasterKeyring,
): Envelope {
  const db = keysOf(database);
  const unwrap = (row: { wrapped_key: string; master_key_id: string }, subject: string): Buffer => {
    const master = keyring.all.get(row.master_key_id);
    if (!master)
      throw new Error(
        `data key of ${subject} is wrapped by master key ${row.master_key_id}, which is not configured`,
      );
    return open(master.key, row.wrapped_key, `data-key:${subject}`);
  };
  // Unwrapped keys of this envelope's lifetime (one operation): a batch of entries of one contact
  // unwraps its key once. `destroy` forgets it at once.
  const cache = new Map<string, Buffer>();
  const dataKey = async (subject: string, create: boolean): Promise<Buffer | null> => {
    const cached = cache.get(subject);
    if (cached) return cached;
    let row = await db.selectFrom('data_keys').selectAll().where('subject', '=', subject).executeTakeFirst();
    if (!row && create) {
      const key = randomBytes(32);
      await db
        .insertInto('data_keys')
        .values({
          subject,
          wrapped_key: seal(keyring.current.key, key, `data-key:${subject}`),
          master_key_id: keyring.current.id,
          created_at: Date.now(),
          destroyed_at: null,
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
      row = await db.selectFrom('data_keys').selectAll().where('subject', '=', subject).executeTakeFirst();
    }
    if (!row || row.wrapped_key === null) return null;
    const key = unwrap({ wrapped_key: row.wrapped_key, master_key_id: row.master_key_id }, subject);
    cache.set(subject, key);
    return key;
  };
  const keyRows = async (subjects: readonly string[]) => {
    const rows = [];
    for (let i = 0; i < subjects.length; i += SUBJECTS_PER_QUERY)
      rows.push(
        ...(await db
          .selectFrom('data_keys')
          .selectAll()
          .where('subject', 'in', subjects.slice(i, i + SUBJECTS_PER_QUERY))
          .execute()),
      );
    return rows;
  };
  return {
    async prepare(subjects, options = {}) {
      const wanted = [...new Set(subjects)].filter((s) => !cache.has(s));
      if (wanted.length === 0) return;
      const rows = await keyRows(wanted);
      const found = new Set(rows.map((r) => r.subject));
      const missing = wanted.filter((s) => !found.has(s));
      if (options.create && missing.length > 0) {
        for (let i = 0; i < missing.length; i += SUBJECTS_PER_QUERY)
          await db
            .insertInto('data_keys')
            .values(
              missing.slice(i, i + SUBJECTS_PER_QUERY).map((subject) => ({
                subject,
                wrapped_key: seal(keyring.current.key, randomBytes(32), `data-key:${subject}`),
                master_key_id: keyring.current.id,
                created_at: Date.now(),
                destroyed_at: null,
              })),
            )
            .onConflict((oc) => oc.doNothing())
            .execute();
        // Read back: another transaction may have created some first (its key wins, as in `encrypt`).
        rows.push(...(await keyRows(missing)));
      }
      for (const row of rows) {
        if (row.wrapped_key === null) continue;
        cache.set(
          row.subject,
          unwrap({ wrapped_key: row.wrapped_key, master_key_id: row.master_key_id }, row.subject),
        );
      }
    },
    async encrypt(subject, plaintext) {
      const key = await dataKey(subject, true);
      if (!key) throw new Error(`the data key of ${subject} was destroyed`);
      return `${VERSION}.${seal(key, Buffer.from(plaintext, 'utf8'), subject)}`;
    },
    async decrypt(subject, sealed) {
      if (!sealed.startsWith(`${VERSION}.`)) throw new Error('not an envelope ciphertext');
      const key = await dataKey(subject, false);
      if (!key) return null;
      return open(key, sealed.slice(VERSION.length + 1), subject).toString('utf8');
    },
    async destroy(subject, now) {
      cache.delete(subject);
      await db
        .insertInto('data_keys')
        .values({
          subject,
          wrapped_key: null,
          master_key_id: keyring.current.id,
          created_at: now,
          destroyed_at: now,
        })
        .onConflict((oc) => oc.column('subject').doUpdateSet({ wrapped_key: null, destroyed_at: now }))
        .execute();
    },
    async rotate() {
      const rows = await db
        .selectFrom('data_keys')
        .selectAll()
        .where('master_key_id', '!=', keyring.current.id)
        .where('wrapped_key', 'is not', null)
        .execute();
      for (const row of rows) {
        const key = unwrap({ wrapped_key: row.wrapped_key!, master_key_id: row.master_key_id }, row.subject);
        await db
          .updateTable('data_keys')
          .set({
            wrapped_key: seal(keyring.current.key, key, `data-key:${row.subject}`),
            master_key_id: keyring.current.id,
          })
          .where('subject', '=', row.subject)
          .where('master_key_id', '=', row.master_key_id)
          .execute();
      }
      return rows.length;
    },
  };
}
