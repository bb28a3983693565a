import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import { raiseAlert } from './alerts.ts';

/** The alert code raised while a number has sends whose outcome is unknown. */
export const UNKNOWN_SENDS_ALERT = 'SEND_OUTCOME_UNKNOWN';

/**
 * How long a recipient's later messages wait behind a send to them whose outcome is unknown. The
 * customer should not see a gap (message 2 without message 1), so they wait while a status webhook
 * or an operator settles it; after this long they go anyway, and the unknown send stays listed
 * and alerted (`docs/reliability.md`, "Unknown sends").
 */
export const UNKNOWN_HOLD_MS = 10 * 60_000;

/** Raises (or counts one more on) the number's open alert about unknown sends. */
export async function alertUnknownSends(
  trx: Kysely<DB>,
  input: { phoneNumberId: string; wabaId: string | null; count: number; now: number },
): Promise<void> {
  await raiseAlert(trx, {
    phoneNumberId: input.phoneNumberId,
    wabaId: input.wabaId,
    code: UNKNOWN_SENDS_ALERT,
    title: 'Sends with an unknown outcome',
    message: `${input.count} send(s) may or may not have reached Meta (the answer was lost). They are never repeated blindly: a status webhook settles them, or resolve them in Unknown sends (GET /api/messages/unknown). This alert resolves itself when none is left.`,
    now: input.now,
  });
}

/** Resolves the number's unknown-sends alert once no unknown send is left. */
export async function clearUnknownSendsAlert(
  trx: Kysely<DB>,
  input: { phoneNumberId: string; now: number },
): Promise<void> {
  const left = await trx
    .selectFrom('outbox_jobs')
    .select('id')
    .where('phone_number_id', '=', input.phoneNumberId)
    .where('state', '=', 'unknown')
    .limit(1)
    .executeTakeFirst();
  if (left) return;
  await trx
    .updateTable('alerts')
    .set({ resolved_at: input.now, resolved_by: 'system' })
    .where('phone_number_id', '=', input.phoneNumberId)
    .where('code', '=', UNKNOWN_SENDS_ALERT)
    .where('resolved_at', 'is', null)
    .execute();
}

/** Recipients (contact ids) of a number with a send that became unknown after `since`. */
export async function heldRecipients(
  db: Kysely<DB>,
  input: { phoneNumberId: string; since: number },
): Promise<Set<string>> {
  const rows = await db
    .selectFrom('outbox_jobs')
    .select('contact_id')
    .distinct()
    .where('phone_number_id', '=', input.phoneNumberId)
    .where('state', '=', 'unknown')
    .where('updated_at', '>', input.since)
    .limit(10_000)
    .execute();
  return new Set(rows.map((r) => r.contact_id));
}
