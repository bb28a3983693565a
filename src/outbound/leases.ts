import { type Kysely, sql } from 'kysely';
import type { DB } from '../database.ts';

/** How long a lease lasts without renewal; the holder renews every second or so. */
export const LEASE_TTL_MS = 5000;

/**
 * Takes or renews the sending lease of a number: succeeds when the caller holds it or it has
 * expired. The epoch grows on every new tenure (takeover, or re-acquiring an expired lease), so
 * jobs claimed under an older epoch are known to be from a previous holder. Null = someone else holds it.
 */
export async function acquireLease(
  db: Kysely<DB>,
  input: { phoneNumberId: string; holder: string; now: number; ttlMs?: number },
): Promise<{ epoch: number } | null> {
  const expires = input.now + (input.ttlMs ?? LEASE_TTL_MS);
  const inserted = await db
    .insertInto('number_leases')
    .values({
      phone_number_id: input.phoneNumberId,
      holder: input.holder,
      epoch: 1,
      expires_at: expires,
      updated_at: input.now,
    })
    .onConflict((oc) => oc.column('phone_number_id').doNothing())
    .returning(['epoch'])
    .executeTakeFirst();
  if (inserted) return { epoch: Number(inserted.epoch) };
  const updated = await db
    .updateTable('number_leases')
    .set({
      epoch: sql<number>`case when holder = ${input.holder} and expires_at > ${input.now} then epoch else epoch + 1 end`,
      holder: input.holder,
      expires_at: expires,
      updated_at: input.now,
    })
    .where('phone_number_id', '=', input.phoneNumberId)
    .where((eb) => eb.or([eb('holder', '=', input.holder), eb('expires_at', '<=', input.now)]))
    .returning(['epoch'])
    .executeTakeFirst();
  return updated ? { epoch: Number(updated.epoch) } : null;
}

/** Gives a lease up at once so that another node takes over without waiting for expiry. */
export async function releaseLease(
  db: Kysely<DB>,
  input: { phoneNumberId: string; holder: string; epoch: number },
): Promise<void> {
  await db
    .updateTable('number_leases')
    .set({ expires_at: 0 })
    .where('phone_number_id', '=', input.phoneNumberId)
    .where('holder', '=', input.holder)
    .where('epoch', '=', input.epoch)
    .execute();
}
