import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { Clock } from '../platform/clock.ts';
import { numberPause } from './alerts.ts';
import { heldRecipients, UNKNOWN_HOLD_MS } from './unknown-sends.ts';

/** What a number's sender reads again on each refresh. */
export type SenderState = {
  /** Null when the number is gone. */
  readonly number: { readonly throughputMps: number; readonly connected: boolean } | null;
  readonly pause: { readonly paused: boolean; readonly until: number | null };
  /** Recipients held behind a recent send with an unknown outcome. */
  readonly held: Set<string>;
  /** The clock's time the holds were read at. */
  readonly now: number;
};

/** Reads a number's throughput, connection, pause and held recipients. */
export async function readSenderState(
  db: Kysely<DB>,
  input: { readonly phoneNumberId: string; readonly clock: Clock },
): Promise<SenderState> {
  const { phoneNumberId, clock } = input;
  const row = await db
    .selectFrom('phone_numbers')
    .select(['throughput_mps', 'connection_state'])
    .where('id', '=', phoneNumberId)
    .executeTakeFirst();
  const pause = await numberPause(db, phoneNumberId, clock.now());
  const now = clock.now();
  const held = await heldRecipients(db, { phoneNumberId, since: now - UNKNOWN_HOLD_MS });
  const number = row
    ? { throughputMps: row.throughput_mps, connected: row.connection_state === 'connected' }
    : null;
  return { number, pause, held, now };
}
