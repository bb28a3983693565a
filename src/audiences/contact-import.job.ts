import { setImmediate } from 'node:timers/promises';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { defineJob, type JobContext } from '../platform/jobs/job.ts';
import { importRows, validateImport } from './contact-import.ts';

/** Rows written per transaction (and per progress step). */
export const IMPORT_CHUNK = 500;
/**
 * How long the job keeps the event loop before it lets other work run (half a subscriber round).
 * The subscribers (the archive sealing every contact and consent event, the rollups, the outbound
 * webhooks) take their rounds between the job's turns; a turn of one chunk (tens of milliseconds)
 * left the import a small share of a busy node.
 */
export const IMPORT_TURN_MS = 100;

/**
 * Writes the valid rows of a contact import in chunks; each chunk commits with the progress, so a
 * rerun after a crash resumes after the last committed chunk, and the node serves other work
 * between chunks.
 */
export async function runContactImport(
  deps: Pick<AppDeps, 'database' | 'clock' | 'signals'>,
  importId: string,
  options: { readonly turnMs?: number } = {},
): Promise<void> {
  const turnMs = options.turnMs ?? IMPORT_TURN_MS;
  const { db } = deps.database;
  const job = await db
    .selectFrom('contact_imports')
    .selectAll()
    .where('id', '=', importId)
    .executeTakeFirst();
  if (!job || job.state === 'done' || job.state === 'rejected' || job.csv_text === null) return;
  const now = deps.clock.now();
  const { valid } = validateImport(job.csv_text, Number(job.created_at));
  const actor = job.created_by ? ({ kind: 'user', id: job.created_by } as const) : null;
  await db
    .updateTable('contact_imports')
    .set({ state: 'running', updated_at: now })
    .where('id', '=', importId)
    .execute();
  let turn = performance.now();
  for (let i = Number(job.processed_rows); i < valid.length; i += IMPORT_CHUNK) {
    const chunk = valid.slice(i, i + IMPORT_CHUNK);
    await db.transaction().execute(async (trx) => {
      const at = deps.clock.now();
      const n = await importRows(trx, {
        phoneNumberId: job.phone_number_id,
        rows: chunk,
        importId,
        actor,
        now: at,
      });
      await trx
        .updateTable('contact_imports')
        .set((eb) => ({
          processed_rows: i + chunk.length,
          imported_rows: eb('imported_rows', '+', n),
          updated_at: at,
        }))
        .where('id', '=', importId)
        .execute();
    });
    // A chunk's queries resolve as microtasks (SQLite answers synchronously), so without this the
    // whole file would be written before the node served one request, webhook or send: let the
    // event loop turn once a turn's time is spent.
    if (performance.now() - turn >= turnMs) {
      deps.signals.emit('events');
      await setImmediate();
      turn = performance.now();
    }
  }
  deps.signals.emit('events');
  await db
    .updateTable('contact_imports')
    .set({ state: 'done', csv_text: null, updated_at: deps.clock.now() })
    .where('id', '=', importId)
    .execute();
}

export const contactImportJob = defineJob({
  id: 'audiences.contact-import',
  schema: z.object({ import_id: z.string() }),
  retry: { attempts: 3, backoffMs: 5_000 },
  async handler(payload, { deps }: JobContext<AppDeps>) {
    await runContactImport(deps, payload.import_id);
  },
});
