import { parse } from 'csv-parse/sync';
import type { Kysely } from 'kysely';
import { recordConsent } from '../consent/consent-ledger.ts';
import { findOrCreateContact, normalizePhone } from '../contacts/contact.repository.ts';
import type { DB } from '../database.ts';
import type { Actor } from '../platform/events/catalogue.ts';
import { recordEvent } from '../platform/events/record-event.ts';
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
  readonly reason: string;
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
    const reject = (reason: string) => rejects.push({ row: rowNumber, reason, raw });
    if (cells.length > columns.length) {
      reject(`${cells.length} cells for ${columns.length} columns`);
      continue;
    }
    const phoneRaw = raw.phone ?? '';
    if (phoneRaw === '') {
      reject('phone is empty');
      continue;
    }
    if (!/^\+?[\d\s().-]+$/.test(phoneRaw)) {
      reject(`phone "${phoneRaw}" has characters other than digits, spaces, ( ) . - and a leading +`);
      continue;
    }
    const phone = normalizePhone(phoneRaw) ?? '';
    if (phone.length < 8 || phone.length > 15) {
      reject(`phone "${phoneRaw}" must have 8 to 15 digits with its country code`);
      continue;
    }
    const first = seen.get(phone);
    if (first !== undefined) {
      reject(`phone ${phone} is already on row ${first}`);
      continue;
    }
    const consentRaw = (raw.consent ?? '').toLowerCase();
    const consent = consentRaw === '' ? null : (CONSENT_VALUES[consentRaw] ?? undefined);
    if (consent === undefined) {
      reject(`consent "${raw.consent}" must be opt_in, opt_out or empty`);
      continue;
    }
    const evidence = (raw.evidence ?? '') || null;
    if (consent !== null && evidence === null) {
      reject('consent is given without evidence (where and how the customer agreed)');
      continue;
    }
    let consentAt: number | null = null;
    if ((raw.consent_at ?? '') !== '') {
      const t = Date.parse(raw.consent_at ?? '');
      if (Number.isNaN(t)) {
        reject(`consent_at "${raw.consent_at}" is not a date and time (ISO 8601)`);
        continue;
      }
      if (t > now + 60_000) {
        reject(`consent_at "${raw.consent_at}" is in the future`);
        continue;
      }
      if (consent === null) {
        reject('consent_at is given without a consent value');
        continue;
      }
      consentAt = t;
    }
    const name = (raw.name ?? '') || null;
    if (name !== null && name.length > 200) {
      reject('name is longer than 200 characters');
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

/** Writes one chunk of valid rows: contacts (created or found), attributes merged, consent records. */
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
  let n = 0;
  for (const r of input.rows) {
    const contact = await findOrCreateContact(trx, {
      phoneNumberId: input.phoneNumberId,
      waId: r.phone,
      profileName: null,
      at: input.now,
    });
    if (!contact) continue;
    const patch: { attributes_json?: string; address_book_name?: string; updated_at?: number } = {};
    if (Object.keys(r.attributes).length > 0) {
      const stored = parseJsonOr<Record<string, unknown>>(contact.attributes_json, {});
      const merged = {
        ...(stored && typeof stored === 'object' && !Array.isArray(stored) ? stored : {}),
        ...r.attributes,
      };
      patch.attributes_json = JSON.stringify(merged);
    }
    if (r.name && !contact.address_book_name && !contact.profile_name) patch.address_book_name = r.name;
    if (Object.keys(patch).length > 0) {
      await trx
        .updateTable('contacts')
        .set({ ...patch, updated_at: input.now })
        .where('id', '=', contact.id)
        .execute();
      await recordEvent(
        trx,
        {
          type: 'contact.changed',
          phoneNumberId: input.phoneNumberId,
          payload: { contact_id: contact.id, change: 'import', actor: input.actor },
        },
        input.now,
      );
    }
    if (r.consent) {
      await recordConsent(trx, {
        contactId: contact.id,
        numberId: input.phoneNumberId,
        scope: 'marketing',
        action: r.consent,
        source: 'csv_import',
        wording: r.wording,
        evidence: `${r.evidence ?? ''} (import ${input.importId}, row ${r.row})`,
        actor: input.actor,
        at: r.consentAt ?? input.now,
        now: input.now,
      });
    }
    n += 1;
  }
  return n;
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
