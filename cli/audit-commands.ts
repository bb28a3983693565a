import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { archiveSigner } from '../src/archive/archive-key.ts';
import { makeCheckpoint } from '../src/archive/checkpoint.ts';
import { eraseContact } from '../src/archive/erasure.ts';
import { type ExportFilter, writeBundle } from '../src/archive/export-bundle.ts';
import { archiveKeyring } from '../src/archive/payload-crypto.ts';
import {
  formatSignerKey,
  formatVerifierKey,
  generateSigner,
  type NoteVerifier,
  parseVerifierKey,
} from '../src/archive/signed-note.ts';
import { runVerification } from '../src/archive/verification.ts';
import { verifyBundle } from '../src/archive/verify-bundle.ts';
import { openDatabase } from '../src/database.ts';
import { systemClock } from '../src/platform/clock.ts';
import { createEnvelope } from '../src/platform/crypto/envelope.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { AppError } from '../src/platform/errors.ts';
import { configOrExit } from './hub-commands.ts';

const CLI_ACTOR = { kind: 'system' as const, id: 'cli' };

async function openArchive() {
  const config = configOrExit();
  const database = openDatabase(config.databaseUrl, { timeouts: config.databaseTimeouts });
  await migrateToLatest(database.db, database.dialect);
  return { config, database };
}

function pinnedKey(text: string | undefined): NoteVerifier | undefined {
  if (text === undefined) return undefined;
  try {
    return parseVerifierKey(text.includes('+') ? text : readFileSync(text, 'utf8'));
  } catch (error) {
    process.stderr.write(`--key: ${(error as Error).message}\n`);
    process.exit(2);
  }
}

function time(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    process.stderr.write(`--${name}: not a date or time: ${value}\n`);
    process.exit(2);
  }
  return ms;
}

/** `coexist audit …`: the compliance archive's key, checkpoints, verification and exports. */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('The compliance archive: key, verification and exports');

  audit
    .command('key')
    .description("Print the archive's verifier key (C2SP vkey)")
    .action(async () => {
      const { config, database } = await openArchive();
      const signer = await archiveSigner(database.db, config, systemClock.now());
      process.stdout.write(`${formatVerifierKey(signer)}\n`);
      await database.close();
    });

  audit
    .command('keygen')
    .description('Print a new signing key for COEXIST_ARCHIVE_SIGNING_KEY, and its verifier key on stderr')
    .action(() => {
      const config = configOrExit();
      const { signer, seed } = generateSigner(config.archiveOrigin);
      process.stdout.write(`${formatSignerKey(signer, seed)}\n`);
      process.stderr.write(`verifier key: ${formatVerifierKey(signer)}\n`);
    });

  audit
    .command('checkpoint')
    .description('Sign a checkpoint of the log now and print it')
    .action(async () => {
      const { config, database } = await openArchive();
      const cp = await makeCheckpoint(database.db, { config, now: systemClock.now() });
      process.stdout.write(cp.note);
      await database.close();
    });

  audit
    .command('verify')
    .description(
      'Recompute the tree, check every checkpoint and cross-check the live tables; exit 1 on the first fault',
    )
    .option(
      '--key <vkey>',
      'verify checkpoints against this verifier key (text or file) instead of the stored one',
    )
    .action(async (opts: { key?: string }) => {
      const { config, database } = await openArchive();
      const verifier = pinnedKey(opts.key);
      const report = await runVerification(
        { config, database, clock: systemClock },
        { actor: CLI_ACTOR, ...(verifier ? { verifier } : {}) },
      );
      await database.close();
      if (report.ok) {
        process.stdout.write(
          `OK: ${report.size} entries, ${report.checkpoints} checkpoints, ${report.messages} messages\n`,
        );
        return;
      }
      process.stdout.write(`FAILED: ${report.problems[0]}\n`);
      for (const p of report.problems.slice(1)) process.stdout.write(`  also: ${p}\n`);
      process.exitCode = 1;
    });

  audit
    .command('export')
    .description('Write an export bundle (JSON lines) a third party can verify offline')
    .requiredOption('--out <file>', 'where to write the bundle')
    .option('--from <time>', 'entries at or after this ISO time')
    .option('--to <time>', 'entries before this ISO time')
    .option('--number <id>', 'one phone number id')
    .option('--contact <id>', 'one contact id')
    .option('--conversation <id>', 'one conversation id')
    .action(
      async (opts: {
        out: string;
        from?: string;
        to?: string;
        number?: string;
        contact?: string;
        conversation?: string;
      }) => {
        const { config, database } = await openArchive();
        const from = time(opts.from, 'from');
        const to = time(opts.to, 'to');
        const filter: ExportFilter = {
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
          ...(opts.number ? { phoneNumberId: opts.number } : {}),
          ...(opts.contact ? { contactId: opts.contact } : {}),
          ...(opts.conversation ? { conversationId: opts.conversation } : {}),
        };
        const bundle = await writeBundle(database.db, {
          config,
          filter,
          now: systemClock.now(),
          actor: CLI_ACTOR,
        });
        writeFileSync(opts.out, bundle.text);
        process.stdout.write(`wrote ${bundle.entries} entries of a tree of ${bundle.size} to ${opts.out}\n`);
        await database.close();
      },
    );

  audit
    .command('erase <contact-id>')
    .description(
      'Erase a contact (GDPR): shred its data key, remove it from the live tables, record the erasure; refused under a legal hold',
    )
    .requiredOption('--reason <text>', "a request reference (recorded in the log; not the person's name)")
    .requiredOption('--confirm <wa-id>', "the contact's phone number (wa_id) or id again, to confirm")
    .action(async (contactId: string, opts: { reason: string; confirm: string }) => {
      const { config, database } = await openArchive();
      try {
        const contact = await database.db
          .selectFrom('contacts')
          .select(['id', 'wa_id'])
          .where('id', '=', contactId)
          .executeTakeFirst();
        if (!contact) throw new AppError('NOT_FOUND', 'No such contact.');
        if (opts.confirm !== contact.id && opts.confirm !== contact.wa_id)
          throw new AppError(
            'VALIDATION_FAILED',
            "--confirm must be the contact's phone number (wa_id) or id.",
          );
        const result = await eraseContact(database, {
          contactId,
          actor: CLI_ACTOR,
          reason: opts.reason,
          now: systemClock.now(),
          keyring: archiveKeyring(config),
        });
        process.stdout.write(
          `erased contact ${contactId}: ${result.messages} messages, ${result.conversations} conversations, ${result.payloads} archive payloads (entry ${result.entry})\n`,
        );
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        process.stderr.write(`${error.code}: ${error.message}\n`);
        process.exitCode = error.code === 'LEGAL_HOLD_ACTIVE' ? 3 : 1;
      } finally {
        await database.close();
      }
    });

  audit
    .command('rotate-keys')
    .description(
      'Rewrap every data key under the current (first) master key of COEXIST_MASTER_KEYS; no data is re-encrypted',
    )
    .action(async () => {
      const { config, database } = await openArchive();
      const n = await createEnvelope(database.db, archiveKeyring(config)).rotate();
      process.stdout.write(
        `rewrapped ${n} data keys under master key ${archiveKeyring(config).current.id}\n`,
      );
      await database.close();
    });

  audit
    .command('verify-export <bundle>')
    .description('Check an export bundle offline, without the database; exit 1 naming the first bad line')
    .option('--key <vkey>', 'require the checkpoint to be signed by this verifier key (text or file)')
    .action((file: string, opts: { key?: string }) => {
      const report = verifyBundle(readFileSync(file).toString('utf8'), pinnedKey(opts.key));
      if (report.ok) {
        process.stdout.write(`OK: ${report.entries} entries proven in a tree of ${report.treeSize}\n`);
        return;
      }
      process.stdout.write(`FAILED: ${report.problems[0]}\n`);
      process.exitCode = 1;
    });
}
