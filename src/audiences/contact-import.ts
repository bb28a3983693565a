import { parse } from 'csv-parse/sync';
import type { Kysely } from 'kysely';
import type { RecordConsentInput } from '../consent/consent-ledger.ts';
import { recordConsentBatch } from '../consent/consent-ledger-batch.ts';
import { normalizePhone } from '../contacts/contact.repository.ts';
import type { ContactRow } from '../contacts/contact.table.ts';
import type { DB } from '../database.ts';
import type { Actor, DomainEvent } from '../platform/events/catalogue.ts';
import { recordEvents } from '../platform/events/record-event.ts';
import { newId } from '../platform/ids.ts';
import { parseJsonOr } from '../platform/json.ts';

/**
 * CSV import of contacts with attributes and consent evidence. Columns (header row, any order,
 * case-insensitive): `phone` (required: the WhatsApp number, digits with an optional + and
 * separators), `name`, `consent` (`opt_in`, `opt_out` or empty), `consent_at` (ISO time, defaults
 * to the import time), `evidence` (required with a consent value: where and how it was given),
 * `wording` (what the customer agreed to); every other column is a contact attribute.
 */

export const RESERVED_COLUMNS = ['phone', 'name', 'consent', 'consent_at', 'evidence', 'wording'] as const;

export type ImportRow = {
  readonly row: number;
  readonly phone: string;
  readonly name: string | null;
  readonly consent: 'opt_in' | 'opt_out' | null;
  readonly consentAt: number | null;
  readonly evidence: string | null;
  readonly wording: string | null;
  readonly attributes: Record<string, string>;
};

export type ImportReject = {
  readonly row: number;
  /** What is wrong, in English (the API's and the rejected-rows CSV's text). */
  readonly reason: string;
  /** The same as a stable code and its values, for the web app to say in the user's language. */
  readonly code: string;
  readonly params: Record<string, string>;
  readonly raw: Record<string, string>;
};

export type ValidatedImport = {
  readonly columns: string[];
  readonly valid: ImportRow[];
  readonly rejects: ImportReject[];
  readonly total: number;
};

/** Thrown for a file that cannot be read as a whole (no header, no phone column, broken quoting). */
export class ImportFileError extends Error {}

const CONSENT_VALUES: Record<string, 'opt_in' | 'opt_out'> = {
  opt_in: 'opt_in',
  optin: 'opt_in',
  'opt-in': 'opt_in',
  yes: 'opt_in',
  opt_out: 'opt_out',
  optout: 'opt_out',
  'opt-out': 'opt_out',
  no: 'opt_out',
};

/** Parses and validates the whole file: every bad row is reported with its reason (row 2 = first data row). */
export function validateImport(csv: string, now: number): ValidatedImport {
  let records: string[][];
  try {
    records = parse(csv.replace(/^\uFEFF/, ''), {
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    }) as string[][];
  } catch (error) {
    throw new ImportFileError(`The file is not valid CSV: ${(error as Error).message}`);
  }
  const header = records[0];
  if (!header) throw new ImportFileError('The file is empty.');
  const columns = header.map((h) => h.trim().toLowerCase());
  if (!columns.includes('phone')) throw new ImportFileError('The header row has no "phone" column.');
  const dup = columns.find((c, i) => c !== '' && columns.indexOf(c) !== i);
  if (dup) throw new ImportFileError(`The column "${dup}" appears twice in the header row.`);
  const valid: ImportRow[] = [];
  const rejects: ImportReject[] = [];
  const seen = new Map<string, number>();
  for (let i = 1; i < records.length; i++) {
    const cells = records[i] ?? [];
    const rowNumber = i + 1;
    const raw: Record<string, string> = {};
    columns.forEach((c, j) => {
      if (c) raw[c] = cells[j] ?? '';
    });
    const reject = (code: string, reason: string, params: Record<string, string> = {}) =>
      rejects.push({ row: rowNumber, reason, code, params, raw });
    if (cells.length > columns.length) {
      reject('too_many_cells', `${cells.length} cells for ${columns.length} columns`, {
        cells: String(cells.length),
        columns: String(columns.length),
      });
      continue;
    }
    const phoneRaw = raw.phone ?? '';
    if (phoneRaw === '') {
      reject('phone_empty', 'phone is empty');
      continue;
    }
    if (!/^\+?[\d\s().-]+$/.test(phoneRaw)) {
      reject(
        'phone_characters',
        `phone "${phoneRaw}" has characters other than digits, spaces, ( ) . - and a leading +`,
        { phone: phoneRaw },
      );
      continue;
    }
    const phone = normalizePhone(phoneRaw) ?? '';
    if (phone.length < 8 || phone.length > 15) {
      reject('phone_length', `phone "${phoneRaw}" must have 8 to 15 digits with its country code`, {
        phone: phoneRaw,
      });
      continue;
    }
    const first = seen.get(phone);
    if (first !== undefined) {
      reject('phone_duplicate', `phone ${phone} is already on row ${first}`, { phone, row: String(first) });
      continue;
    }
    const consentRaw = (raw.consent ?? '').toLowerCase();
    const consent = consentRaw === '' ? null : (CONSENT_VALUES[consentRaw] ?? undefined);
    if (consent === undefined) {
      reject('consent_value', `consent "${raw.consent}" must be opt_in, opt_out or empty`, {
        value: raw.consent ?? '',
      });
      continue;
    }
    const evidence = (raw.evidence ?? '') || null;
    if (consent !== null && evidence === null) {
      reject(
        'consent_without_evidence',
        'consent is given without evidence (where and how the customer agreed)',
      );
      continue;
    }
    let consentAt: number | null = null;
    if ((raw.consent_at ?? '') !== '') {
      const t = Date.parse(raw.consent_at ?? '');
      if (Number.isNaN(t)) {
        reject('consent_at_invalid', `consent_at "${raw.consent_at}" is not a date and time (ISO 8601)`, {
          value: raw.consent_at ?? '',
        });
        continue;
      }
      if (t > now + 60_000) {
        reject('consent_at_future', `consent_at "${raw.consent_at}" is in the future`, {
          value: raw.consent_at ?? '',
        });
        continue;
      }
      if (consent === null) {
        reject('consent_at_without_consent', 'consent_at is given without a consent value');
        continue;
      }
      consentAt = t;
    }
    const name = (raw.name ?? '') || null;
    if (name !== null && name.length > 200) {
      reject('name_too_long', 'name is longer than 200 characters');
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const c of columns) {
      if (!c || (RESERVED_COLUMNS as readonly string[]).includes(c)) continue;
      const v = raw[c] ?? '';
      if (v !== '') attributes[c] = v.slice(0, 1000);
    }
    seen.set(phone, rowNumber);
    valid.push({
      row: rowNumber,
      phone,
      name,
      consent,
      consentAt,
      evidence,
      wording: (raw.wording ?? '') || null,
      attributes,
    });
  }
  return { columns, valid, rejects, total: records.length - 1 };
}

/** Rows per multi-row statement (16 parameters a contact: well under SQLite's bound-parameter limit). */
const STATEMENT_ROWS = 500;

function slices<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += STATEMENT_ROWS) out.push(items.slice(i, i + STATEMENT_ROWS));
  return out;
}

async function contactsByWaId(trx: Kysely<DB>, phoneNumberId: string, waIds: readonly string[]) {
  const found = new Map<string, ContactRow>();
  for (const part of slices(waIds)) {
    const rows = await trx
      .selectFrom('contacts')
      .selectAll()
      .where('phone_number_id', '=', phoneNumberId)
      .where('wa_id', 'in', part)
      .execute();
    for (const r of rows) if (r.wa_id) found.set(r.wa_id, r);
  }
  return found;
}

function mergedAttributes(stored: string | null, attributes: Record<string, string>): string {
  const parsed = parseJsonOr<Record<string, unknown>>(stored ?? '{}', {});
  const base = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
  return JSON.stringify({ ...base, ...attributes });
}

/**
 * Writes one chunk of valid rows: contacts created or found by phone, attributes merged over the
 * stored ones, the name kept where the contact has none, and consent records in the ledger. The
 * same writes as one row at a time and their events (`contact.created` for a new contact,
 * `contact.changed` with `import` for an existing one whose attributes or name it sets,
 * `contact.consent_changed` per record), in multi-row statements: a chunk costs a few dozen queries, not a
 * dozen per row. Phones are unique within a file (`validateImport`), so within a chunk too.
 */
export async function importRows(
  trx: Kysely<DB>,
  input: {
    phoneNumberId: string;
    rows: readonly ImportRow[];
    importId: string;
    actor: Actor | null;
    now: number;
  },
): Promise<number> {
  const { phoneNumberId, now } = input;
  const contacts = await contactsByWaId(
    trx,
    phoneNumberId,
    input.rows.map((r) => r.phone),
  );
  const events: DomainEvent[] = [];
  const changed = (id: string): DomainEvent => ({
    type: 'contact.changed',
    phoneNumberId,
    payload: { contact_id: id, change: 'import', actor: input.actor },
  });
  // New contacts are inserted with their attributes and name, so `contact.created` says it all
  // (insert-or-ignore on the unique keys: a contact created meanwhile by a webhook is found again
  // and updated like any existing one, with `contact.changed`).
  const created = new Set<string>();
  const fresh = input.rows.filter((r) => !contacts.has(r.phone));
  for (const part of slices(fresh)) {
    const inserted = await trx
      .insertInto('contacts')
      .values(
        part.map((r) => ({
          id: newId(),
          phone_number_id: phoneNumberId,
          wa_id: r.phone,
          bsuid: null,
          parent_bsuid: null,
          username: null,
          profile_name: null,
          profile_name_at: null,
          address_book_name: r.name,
          address_book_first_name: null,
          in_address_book: 0,
          address_book_synced_at: null,
          marketing_opt_out: 0,
          marketing_opt_out_at: null,
          attributes_json: JSON.stringify(r.attributes),
          created_at: now,
          updated_at: now,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .execute();
    const byPhone = new Map(part.map((r) => [r.phone, r]));
    for (const c of inserted) {
      const r = c.wa_id ? byPhone.get(c.wa_id) : undefined;
      if (!r) continue;
      contacts.set(r.phone, c);
      created.add(c.id);
      byPhone.delete(r.phone);
      events.push({
        type: 'contact.created',
        phoneNumberId,
        payload: { contact_id: c.id, wa_id: c.wa_id, bsuid: c.bsuid },
      });
    }
    if (byPhone.size > 0)
      for (const [waId, c] of await contactsByWaId(trx, phoneNumberId, [...byPhone.keys()]))
        contacts.set(waId, c);
  }
  // Existing contacts: one upsert on the id per statement carries each row's merged attributes.
  const updates: ContactRow[] = [];
  for (const r of input.rows) {
    const c = contacts.get(r.phone);
    if (!c || created.has(c.id)) continue;
    const attributes =
      Object.keys(r.attributes).length > 0 ? mergedAttributes(c.attributes_json, r.attributes) : null;
    const name = r.name && !c.address_book_name && !c.profile_name ? r.name : null;
    if (attributes === null && name === null) continue;
    updates.push({
      ...c,
      attributes_json: attributes ?? c.attributes_json,
      address_book_name: name ?? c.address_book_name,
      updated_at: now,
    });
    events.push(changed(c.id));
  }
  for (const part of slices(updates)) {
    await trx
      .insertInto('contacts')
      .values(part)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          attributes_json: eb.ref('excluded.attributes_json'),
          address_book_name: eb.ref('excluded.address_book_name'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
  await recordEvents(trx, events, now);
  const consents: RecordConsentInput[] = [];
  for (const r of input.rows) {
    const c = contacts.get(r.phone);
    if (!c || !r.consent) continue;
    consents.push({
      contactId: c.id,
      numberId: phoneNumberId,
      scope: 'marketing',
      action: r.consent,
      source: 'csv_import',
      wording: r.wording,
      evidence: `${r.evidence ?? ''} (import ${input.importId}, row ${r.row})`,
      actor: input.actor,
      at: r.consentAt ?? now,
      now,
    });
  }
  await recordConsentBatch(trx, { numberId: phoneNumberId, records: consents, now });
  return input.rows.filter((r) => contacts.has(r.phone)).length;
}

/** The rejected rows as a CSV to download, fix and import again: the original columns plus `reason`. */
export function rejectsCsv(columns: readonly string[], rejects: readonly ImportReject[]): string {
  // A cell that a spreadsheet would run as a formula is quoted with a leading apostrophe.
  const formula = (v: string) => /^[=@\t\r]/.test(v) || /^[+-][^\d\s(]/.test(v);
  const esc = (v: string) => {
    const safe = formula(v) ? `'${v}` : v;
    return /[",\n\r']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const cols = columns.filter(Boolean);
  const lines = [[...cols, 'row', 'reason'].map(esc).join(',')];
  for (const r of rejects)
    lines.push([...cols.map((c) => r.raw[c] ?? ''), String(r.row), r.reason].map(esc).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
