import type { Kysely } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import type { DB } from '../database.ts';
import type { Config } from '../platform/config.ts';
import { newId } from '../platform/ids.ts';
import { appendEntries } from './archive.repository.ts';
import type { EntryActor } from './archive-entry.ts';
import { archiveSigner } from './archive-key.ts';
import { archiveKeyring } from './payload-crypto.ts';
import type { NoteVerifier } from './signed-note.ts';
import { type VerificationReport, verifyArchive } from './verify.ts';

/** The archive's own verifier key (the public half of its signer). */
export async function archiveVerifier(
  db: Kysely<DB>,
  config: Pick<Config, 'archiveOrigin' | 'archiveSigningKey'>,
  now: number,
): Promise<NoteVerifier> {
  const signer = await archiveSigner(db, config, now);
  return { name: signer.name, keyId: signer.keyId, publicKey: signer.publicKey };
}

/**
 * Runs a full verification (against `verifier`, or the archive's own key), keeps its result for the
 * auditor view, and records the run as an entry of the log.
 */
export async function runVerification(
  deps: Pick<AppDeps, 'database' | 'config' | 'clock'>,
  input: { actor: EntryActor | null; verifier?: NoteVerifier },
): Promise<VerificationReport> {
  const { db } = deps.database;
  const started = deps.clock.now();
  const verifier = input.verifier ?? (await archiveVerifier(db, deps.config, started));
  const keyring = archiveKeyring(deps.config);
  const report = await verifyArchive(db, verifier, keyring);
  const finished = deps.clock.now();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('archive_verifications')
      .values({
        id: newId(),
        started_at: started,
        finished_at: finished,
        size: report.size,
        ok: report.ok ? 1 : 0,
        problem: report.problems[0] ?? null,
      })
      .execute();
    await appendEntries(
      trx,
      [
        {
          type: 'audit.verified',
          eventId: null,
          at: finished,
          phoneNumberId: null,
          contactId: null,
          conversationId: null,
          messageId: null,
          actor: input.actor,
          data: {
            size: report.size,
            ok: report.ok,
            problems: report.problems.length,
            first_problem: report.problems[0] ?? null,
          },
          content: null,
        },
      ],
      keyring,
    );
  });
  return report;
}
