/**
 * `npm run bench:archive`: fills a fresh SQLite archive with 1,000,000 entries (half of them with
 * committed content in the payload store), signs a checkpoint, then times a full `verifyArchive`
 * (every leaf recomputed from its entry, the tree rebuilt, the checkpoint's signature and root
 * checked, every payload checked against its commitment, the live messages cross-checked).
 * `ARCHIVE_BENCH_ENTRIES` changes the count; the target is under 60 s for 1,000,000.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendEntries } from '../src/archive/archive.repository.ts';
import type { EntryDraft } from '../src/archive/archive-entry.ts';
import { makeCheckpoint } from '../src/archive/checkpoint.ts';
import { archiveKeyring } from '../src/archive/payload-crypto.ts';
import { archiveVerifier } from '../src/archive/verification.ts';
import { verifyArchive } from '../src/archive/verify.ts';
import { openDatabase } from '../src/database.ts';
import { loadConfig } from '../src/platform/config.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';

const total = Number(process.env.ARCHIVE_BENCH_ENTRIES ?? 1_000_000);
const BATCH = 5_000;
const dir = mkdtempSync(join(tmpdir(), 'coexist-bench-archive-'));
const config = loadConfig({
  META_APP_SECRET: 'bench-secret',
  META_VERIFY_TOKEN: 'bench-token',
  DATABASE_URL: `sqlite:${join(dir, 'archive.db')}`,
  COEXIST_DATA_DIR: dir,
});
const database = openDatabase(config.databaseUrl);
await migrateToLatest(database.db, database.dialect);

const T0 = Date.UTC(2026, 0, 1);
function draft(i: number): EntryDraft {
  const withContent = i % 2 === 0;
  return {
    type: withContent ? 'conversation.note_added' : 'conversation.assigned',
    eventId: i + 1,
    at: T0 + i * 1_000,
    phoneNumberId: '106540352242922',
    contactId: `contact-${i % 5_000}`,
    conversationId: `conversation-${i % 20_000}`,
    messageId: null,
    actor: { kind: 'user', id: `user-${i % 40}` },
    data: { note_id: `note-${i}`, from_user_id: null, to_user_id: `user-${i % 40}` },
    content: withContent ? { body: `note ${i}: the customer asked about invoice ${i * 7}` } : null,
  };
}

const fillStart = performance.now();
for (let i = 0; i < total; i += BATCH) {
  const drafts = Array.from({ length: Math.min(BATCH, total - i) }, (_, k) => draft(i + k));
  await database.db.transaction().execute((trx) => appendEntries(trx, drafts, archiveKeyring(config)));
}
const fillMs = performance.now() - fillStart;
const cpStart = performance.now();
const checkpoint = await makeCheckpoint(database.db, { config, now: Date.now() });
const cpMs = performance.now() - cpStart;

const verifier = await archiveVerifier(database.db, config, Date.now());
const before = process.memoryUsage().rss;
const verifyStart = performance.now();
const report = await verifyArchive(database.db, verifier, archiveKeyring(config));
const verifyMs = performance.now() - verifyStart;

const result = {
  entries: report.size,
  ok: report.ok,
  problems: report.problems.slice(0, 3),
  fill_s: +(fillMs / 1000).toFixed(1),
  checkpoint_s: +(cpMs / 1000).toFixed(1),
  verify_s: +(verifyMs / 1000).toFixed(1),
  verify_entries_per_s: Math.round(report.size / (verifyMs / 1000)),
  rss_mb: Math.round(Math.max(before, process.memoryUsage().rss) / 1e6),
  tree_size: checkpoint.size,
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
await database.close();
rmSync(dir, { recursive: true, force: true });
if (!report.ok) process.exitCode = 1;
