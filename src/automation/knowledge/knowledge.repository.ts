import type { Kysely } from 'kysely';
import { sharedRowsApplyTo } from '../../auth/organisation-scope.ts';
import type { DB } from '../../database.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { iso } from '../../platform/time.ts';
import { buildKbIndex, type KbIndex } from './kb-search.ts';
import type { KbEntryRow } from './knowledge.table.ts';

/** The knowledge base: entries per number (or for all), and the one lookup flows use. */

export type KbEntryInput = {
  phone_number_id?: string | null;
  question: string;
  answer: string;
  keywords?: string;
  language?: string | null;
};

export function toApiKbEntry(row: KbEntryRow) {
  return {
    id: row.id,
    phone_number_id: row.phone_number_id,
    question: row.question,
    answer: row.answer,
    keywords: row.keywords,
    language: row.language,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export async function listKbEntries(db: Kysely<DB>, input: { phoneNumberId?: string | null } = {}) {
  let q = db.selectFrom('kb_entries').selectAll().orderBy('created_at').orderBy('id');
  if (input.phoneNumberId) {
    q = q.where((eb) =>
      eb.or([eb('phone_number_id', '=', input.phoneNumberId!), eb('phone_number_id', 'is', null)]),
    );
  }
  const rows = await q.execute();
  // An entry for every number is the default organisation's: never another organisation's numbers.
  if (!input.phoneNumberId || !rows.some((r) => r.phone_number_id === null)) return rows;
  if (await sharedRowsApplyTo(db, input.phoneNumberId)) return rows;
  return rows.filter((r) => r.phone_number_id !== null);
}

export async function createKbEntry(
  db: Kysely<DB>,
  input: KbEntryInput & { now: number },
): Promise<KbEntryRow> {
  const row: KbEntryRow = {
    id: newId(),
    phone_number_id: input.phone_number_id ?? null,
    question: input.question,
    answer: input.answer,
    keywords: input.keywords ?? '',
    language: input.language ?? null,
    created_at: input.now,
    updated_at: input.now,
  };
  await db.insertInto('kb_entries').values(row).execute();
  return row;
}

export async function updateKbEntry(
  db: Kysely<DB>,
  id: string,
  patch: Partial<KbEntryInput> & { now: number },
): Promise<KbEntryRow> {
  const { now, ...rest } = patch;
  const found = await db.selectFrom('kb_entries').selectAll().where('id', '=', id).executeTakeFirst();
  if (!found) throw new AppError('NOT_FOUND', `No knowledge base entry ${id}.`);
  const next: KbEntryRow = {
    ...found,
    ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
    updated_at: Math.max(now, found.updated_at + 1),
  };
  await db.updateTable('kb_entries').set(next).where('id', '=', id).execute();
  return next;
}

export async function deleteKbEntry(db: Kysely<DB>, id: string): Promise<void> {
  const result = await db.deleteFrom('kb_entries').where('id', '=', id).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw new AppError('NOT_FOUND', `No knowledge base entry ${id}.`);
}

// One index per number, rebuilt when its entries change (their ids and update times are the signature).
const indexes = new Map<string, { signature: string; index: KbIndex; rows: Map<string, KbEntryRow> }>();

/** The best entry for `query` among the number's entries and the shared ones, or null. */
export async function findKbAnswer(
  db: Kysely<DB>,
  input: { phoneNumberId: string; query: string; language?: string | null },
): Promise<KbEntryRow | null> {
  const rows = await listKbEntries(db, { phoneNumberId: input.phoneNumberId });
  const signature = rows.map((r) => `${r.id}@${r.updated_at}`).join(',');
  let cached = indexes.get(input.phoneNumberId);
  if (!cached || cached.signature !== signature) {
    cached = {
      signature,
      index: buildKbIndex(rows),
      rows: new Map(rows.map((r) => [r.id, r])),
    };
    indexes.set(input.phoneNumberId, cached);
  }
  const hit = cached.index.search(input.query, input.language);
  return hit ? (cached.rows.get(hit.id) ?? null) : null;
}
