import type { Kysely } from 'kysely';
import { mfaSubject } from '../auth/mfa.ts';
import type { DB } from '../database.ts';
import type { MasterKeyring } from '../platform/crypto/envelope.ts';
import { isSealed, sealSecret } from '../platform/crypto/secrets.ts';
import { payloadCipher } from './payload-crypto.ts';

const BATCH = 500;

/**
 * Encrypts rows written in the clear before encryption at rest: each user's TOTP secrets (active
 * and pending) and each archive payload. Idempotent (sealed values start `v1.`); returns counts.
 */
export async function sealAtRest(
  db: Kysely<DB>,
  keyring: MasterKeyring,
): Promise<{ secrets: number; payloads: number }> {
  let secrets = 0;
  const users = await db
    .selectFrom('users')
    .select(['id', 'mfa_secret', 'mfa_pending_secret'])
    .where((eb) => eb.or([eb('mfa_secret', 'is not', null), eb('mfa_pending_secret', 'is not', null)]))
    .execute();
  for (const u of users) {
    const plain = (v: string | null) => v !== null && !isSealed(v);
    if (!plain(u.mfa_secret) && !plain(u.mfa_pending_secret)) continue;
    await db.transaction().execute(async (trx) => {
      const set: { mfa_secret?: string; mfa_pending_secret?: string } = {};
      if (plain(u.mfa_secret))
        set.mfa_secret = await sealSecret(trx, keyring, mfaSubject(u.id), u.mfa_secret!);
      if (plain(u.mfa_pending_secret))
        set.mfa_pending_secret = await sealSecret(trx, keyring, mfaSubject(u.id), u.mfa_pending_secret!);
      // Only if unchanged meanwhile (a concurrent enrolment wins).
      let q = trx.updateTable('users').set(set).where('id', '=', u.id);
      q =
        u.mfa_secret === null ? q.where('mfa_secret', 'is', null) : q.where('mfa_secret', '=', u.mfa_secret);
      q =
        u.mfa_pending_secret === null
          ? q.where('mfa_pending_secret', 'is', null)
          : q.where('mfa_pending_secret', '=', u.mfa_pending_secret);
      const r = await q.executeTakeFirst();
      secrets += Number(r.numUpdatedRows);
    });
  }

  let payloads = 0;
  let after = -1;
  for (;;) {
    const rows = await db
      .selectFrom('archive_payloads')
      .select(['idx', 'contact_id', 'content'])
      .where('idx', '>', after)
      .where('content', 'not like', 'v1.%')
      .orderBy('idx')
      .limit(BATCH)
      .execute();
    if (rows.length === 0) break;
    after = Number(rows.at(-1)!.idx);
    await db.transaction().execute(async (trx) => {
      const cipher = payloadCipher(trx, keyring);
      for (const r of rows) {
        if (isSealed(r.content)) continue;
        await trx
          .updateTable('archive_payloads')
          .set({ content: await cipher.seal(r.contact_id, r.content) })
          .where('idx', '=', r.idx)
          .where('content', '=', r.content)
          .execute();
        payloads++;
      }
    });
    if (rows.length < BATCH) break;
  }
  return { secrets, payloads };
}
