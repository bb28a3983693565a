import { type Kysely, sql } from 'kysely';
import type { DB } from '../database.ts';

/**
 * After an erasure or a purge on SQLite: deleted rows are already zeroed in their pages
 * (`secure_delete`, set when the database opens), but two places can still hold the text. FTS5 keeps
 * deleted documents' terms in older index segments until they merge, so every FTS5 table is
 * optimized (merged into one segment without them); and the WAL keeps old page images, so it is
 * checkpointed back into the file and truncated. Returns whether the WAL could be truncated (a
 * long-running reader can hold it; the next checkpoint then finishes the job).
 */
export async function scrubSqlite(db: Kysely<DB>): Promise<boolean> {
  const fts = await sql<{ name: string }>`
    select name from sqlite_master where type = 'table' and lower(sql) like '%using fts5%'
  `.execute(db);
  for (const { name } of fts.rows) {
    await sql`insert into ${sql.table(name)}(${sql.ref(name)}) values ('optimize')`.execute(db);
  }
  const result = await sql<{ busy: number }>`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
  return Number(result.rows[0]?.busy ?? 0) === 0;
}
