/**
 * `npm run bench:archive`, two modes (`ARCHIVE_BENCH`):
 *
 * - `verify` (the default): fills a fresh SQLite archive with 1,000,000 entries (half of them with
 *   committed content in the payload store), signs a checkpoint, then times a full `verifyArchive`
 *   (every leaf recomputed from its entry, the tree rebuilt, the checkpoint's signature and root
 *   checked, every payload checked against its commitment, the live messages cross-checked).
 *   `ARCHIVE_BENCH_ENTRIES` changes the count; the target is under 60 s for 1,000,000.
 * - `ingest`: ingestion throughput of a real hub process with the archive's subscriber on and off
 *   (`COEXIST_ARCHIVE_SUBSCRIBER`), in the same run (`bench/archive-ingest.ts`).
 */
if (process.env.ARCHIVE_BENCH === 'ingest') {
  await import('./archive-ingest.ts');
} else {
  await import('./archive-verify.ts');
}
