import type { Kysely } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import type { Principal } from '../auth/principal.ts';
import type { DB } from '../database.ts';
import { canSeeNumber, visibleNumberIds } from '../numbers/number.queries.ts';
import { AppError } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import { enqueueJob } from '../platform/jobs/job.repository.ts';
import { parseJsonOr } from '../platform/json.ts';
import type { ContactImportTable, SegmentTable } from './audience.table.ts';
import { contactImportJob } from './contact-import.job.ts';
import { ImportFileError, type ImportReject, validateImport } from './contact-import.ts';
import { type SegmentFilter, ZSegmentFilter } from './segment-filter.ts';

const iso = (ms: number) => new Date(Number(ms)).toISOString();

export function toApiSegment(row: SegmentTable) {
  return {
    id: row.id,
    name: row.name,
    filter: ZSegmentFilter.parse(parseJsonOr<unknown>(row.filter_json, {})),
    created_by: row.created_by,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

/** A filter may name only a number the principal sees. */
async function checkFilter(db: Kysely<DB>, principal: Principal, filter: SegmentFilter): Promise<void> {
  if (!filter.phone_number_id) return;
  const visible = await visibleNumberIds(db, principal);
  if (!canSeeNumber(visible, filter.phone_number_id))
    throw new AppError('NOT_FOUND', `No phone number ${filter.phone_number_id}.`);
}

export async function saveSegment(
  deps: AppDeps,
  input: { principal: Principal; id?: string; name: string; filter: SegmentFilter },
) {
  const { db } = deps.database;
  await checkFilter(db, input.principal, input.filter);
  const now = deps.clock.now();
  if (input.id) {
    const updated = await db
      .updateTable('segments')
      .set({ name: input.name, filter_json: JSON.stringify(input.filter), updated_at: now })
      .where('id', '=', input.id)
      .returningAll()
      .executeTakeFirst();
    if (!updated) throw new AppError('NOT_FOUND', 'No such segment.');
    return toApiSegment(updated);
  }
  const row = await db
    .insertInto('segments')
    .values({
      id: newId(),
      name: input.name,
      filter_json: JSON.stringify(input.filter),
      created_by: input.principal.kind === 'user' ? input.principal.id : null,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toApiSegment(row);
}

export function toApiImport(row: ContactImportTable) {
  const rejects = parseJsonOr<ImportReject[]>(row.rejects_json, []) ?? [];
  return {
    id: row.id,
    phone_number_id: row.phone_number_id,
    mode: row.mode,
    state: row.state,
    file_name: row.file_name,
    total_rows: Number(row.total_rows),
    valid_rows: Number(row.total_rows) - Number(row.rejected_rows),
    processed_rows: Number(row.processed_rows),
    imported_rows: Number(row.imported_rows),
    rejected_rows: Number(row.rejected_rows),
    rejects: rejects.slice(0, 200),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

/**
 * Validates a CSV of contacts and records the import with the report of every bad row. With
 * `all_or_nothing` one bad row rejects the whole file (nothing is written); otherwise the valid rows
 * are written by a job (`audiences.contact-import`) whose progress the import shows.
 */
export async function startContactImport(
  deps: AppDeps,
  input: {
    principal: Principal;
    phoneNumberId: string;
    mode: 'all_or_nothing' | 'valid_only';
    csv: string;
    fileName: string | null;
  },
) {
  const { db } = deps.database;
  const visible = await visibleNumberIds(db, input.principal);
  if (!canSeeNumber(visible, input.phoneNumberId))
    throw new AppError('NOT_FOUND', `No phone number ${input.phoneNumberId}.`);
  const number = await db
    .selectFrom('phone_numbers')
    .select('id')
    .where('id', '=', input.phoneNumberId)
    .executeTakeFirst();
  if (!number) throw new AppError('NOT_FOUND', `No phone number ${input.phoneNumberId}.`);
  const now = deps.clock.now();
  let report: ReturnType<typeof validateImport>;
  try {
    report = validateImport(input.csv, now);
  } catch (error) {
    if (error instanceof ImportFileError) throw new AppError('VALIDATION_FAILED', error.message);
    throw error;
  }
  if (report.total === 0)
    throw new AppError('VALIDATION_FAILED', 'The file has a header row but no contacts.');
  const rejected = input.mode === 'all_or_nothing' && report.rejects.length > 0;
  const nothingToDo = report.valid.length === 0;
  const id = newId();
  const row = await db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('contact_imports')
      .values({
        id,
        phone_number_id: input.phoneNumberId,
        mode: input.mode,
        state: rejected ? 'rejected' : nothingToDo ? 'done' : 'pending',
        file_name: input.fileName,
        csv_text: rejected || nothingToDo ? null : input.csv,
        total_rows: report.total,
        processed_rows: 0,
        imported_rows: 0,
        rejected_rows: report.rejects.length,
        rejects_json: JSON.stringify(report.rejects),
        error: rejected ? `${report.rejects.length} bad rows: nothing was imported (all or nothing).` : null,
        created_by: input.principal.kind === 'user' ? input.principal.id : null,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (!rejected && !nothingToDo) await enqueueJob(trx, contactImportJob, { import_id: id }, { now });
    return inserted;
  });
  deps.signals.emit('jobs');
  return { import: toApiImport(row), columns: report.columns };
}

export async function findImport(deps: AppDeps, principal: Principal, id: string) {
  const { db } = deps.database;
  const row = await db.selectFrom('contact_imports').selectAll().where('id', '=', id).executeTakeFirst();
  const visible = await visibleNumberIds(db, principal);
  if (!row || !canSeeNumber(visible, row.phone_number_id)) throw new AppError('NOT_FOUND', 'No such import.');
  return row;
}
