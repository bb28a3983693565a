import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { Dialect } from '../platform/db/database.ts';
import { updateMany } from '../platform/db/update-many.ts';
import type { DomainEvent } from '../platform/events/catalogue.ts';
import { newId } from '../platform/ids.ts';
import type { FindOrCreateContactInput } from './contact.repository.ts';
import { clean, normalizePhone, type ProfilePatch, profilePatch } from './contact.repository.ts';
import type { ContactRow } from './contact.table.ts';

/** IN-list length per lookup (well under both databases' parameter limits). */
const LOOKUP_CHUNK = 500;
/** Rows per multi-row insert (17 columns each). */
const INSERT_CHUNK = 400;

const CONTACT_COLUMNS = {
  wa_id: { type: 'text' },
  bsuid: { type: 'text' },
  parent_bsuid: { type: 'text' },
  username: { type: 'text' },
  profile_name: { type: 'text' },
  profile_name_at: { type: 'bigint' },
  updated_at: { type: 'bigint' },
} as const;

type Patch = ProfilePatch & { wa_id?: string; bsuid?: string };

/**
 * What a sighting of a user changes on their contact: links a missing identifier (unless another
 * contact of the number holds it), takes a new parent BSUID or username, and a profile name that is
 * at least as new as the one stored (`seenAt`, Meta's time of the payload). The same rules as
 * {@link findOrCreateContact}, without reads: `holder` says who holds an identifier already.
 */
export function contactPatch(
  row: ContactRow,
  input: FindOrCreateContactInput,
  holder: (column: 'wa_id' | 'bsuid', value: string) => ContactRow | undefined,
): Patch {
  const waId = normalizePhone(input.waId);
  const bsuid = clean(input.bsuid);
  const seenAt = input.seenAt ?? input.at;
  const patch: Patch = {};
  if (waId !== null && row.wa_id === null && !holder('wa_id', waId)) patch.wa_id = waId;
  if (bsuid !== null && row.bsuid === null && !holder('bsuid', bsuid)) patch.bsuid = bsuid;
  return { ...patch, ...profilePatch(row, input, seenAt) };
}

/**
 * {@link findOrCreateContact} for many sightings at once, with the same outcome as calling it for
 * each in order, in a few round trips: one lookup per number, one multi-row insert of the new
 * contacts, one update per changed contact (one statement for all of them on PostgreSQL). The
 * events (`contact.created`, `contact.changed`) are appended to `events` for the caller to record.
 * Returns the contact of each sighting (null for one without any identifier). A contact created
 * concurrently by another transaction makes it throw; the caller then goes item by item.
 */
export async function resolveParticipants(
  trx: Kysely<DB>,
  input: {
    readonly dialect: Dialect;
    readonly sightings: readonly FindOrCreateContactInput[];
    readonly at: number;
    readonly events: DomainEvent[];
  },
): Promise<(ContactRow | null)[]> {
  const byKey = new Map<string, ContactRow>();
  const keyOf = (pn: string, column: 'wa_id' | 'bsuid', value: string) =>
    `${pn}\u0000${column}\u0000${value}`;
  const wanted = new Map<string, { waIds: Set<string>; bsuids: Set<string> }>();
  for (const s of input.sightings) {
    const w = wanted.get(s.phoneNumberId) ?? { waIds: new Set(), bsuids: new Set() };
    wanted.set(s.phoneNumberId, w);
    const waId = normalizePhone(s.waId);
    const bsuid = clean(s.bsuid);
    if (waId !== null) w.waIds.add(waId);
    if (bsuid !== null) w.bsuids.add(bsuid);
  }
  for (const [pn, w] of wanted) {
    for (const [column, values] of [
      ['wa_id', [...w.waIds]],
      ['bsuid', [...w.bsuids]],
    ] as const) {
      for (let i = 0; i < values.length; i += LOOKUP_CHUNK) {
        const rows = await trx
          .selectFrom('contacts')
          .selectAll()
          .where('phone_number_id', '=', pn)
          .where(column, 'in', values.slice(i, i + LOOKUP_CHUNK))
          .execute();
        for (const r of rows) {
          if (r.wa_id !== null) byKey.set(keyOf(pn, 'wa_id', r.wa_id), r);
          if (r.bsuid !== null) byKey.set(keyOf(pn, 'bsuid', r.bsuid), r);
        }
      }
    }
  }

  const created = new Map<string, ContactRow>();
  const dirty = new Map<string, ContactRow>();
  const out: (ContactRow | null)[] = [];
  for (const s of input.sightings) {
    const pn = s.phoneNumberId;
    const waId = normalizePhone(s.waId);
    const bsuid = clean(s.bsuid);
    if (waId === null && bsuid === null) {
      out.push(null);
      continue;
    }
    const found =
      (waId !== null ? byKey.get(keyOf(pn, 'wa_id', waId)) : undefined) ??
      (bsuid !== null ? byKey.get(keyOf(pn, 'bsuid', bsuid)) : undefined);
    if (!found) {
      const profileName = clean(s.profileName);
      const row: ContactRow = {
        id: newId(),
        phone_number_id: pn,
        wa_id: waId,
        bsuid,
        parent_bsuid: clean(s.parentBsuid),
        username: clean(s.username),
        profile_name: profileName,
        profile_name_at: profileName ? (s.seenAt ?? s.at) : null,
        address_book_name: null,
        address_book_first_name: null,
        in_address_book: 0,
        address_book_synced_at: null,
        marketing_opt_out: 0,
        marketing_opt_out_at: null,
        attributes_json: '{}',
        created_at: s.at,
        updated_at: s.at,
      };
      created.set(row.id, row);
      if (waId !== null) byKey.set(keyOf(pn, 'wa_id', waId), row);
      if (bsuid !== null) byKey.set(keyOf(pn, 'bsuid', bsuid), row);
      input.events.push({
        type: 'contact.created',
        phoneNumberId: pn,
        payload: { contact_id: row.id, wa_id: row.wa_id, bsuid: row.bsuid },
      });
      out.push(row);
      continue;
    }
    const patch = contactPatch(found, s, (column, value) => byKey.get(keyOf(pn, column, value)));
    const keys = Object.keys(patch);
    if (keys.length > 0) {
      Object.assign(found, patch, { updated_at: s.at });
      if (patch.wa_id !== undefined) byKey.set(keyOf(pn, 'wa_id', patch.wa_id), found);
      if (patch.bsuid !== undefined) byKey.set(keyOf(pn, 'bsuid', patch.bsuid), found);
      if (!created.has(found.id)) dirty.set(found.id, found);
      const change = keys.filter((k) => k !== 'profile_name_at').join(',');
      if (change.length > 0) {
        input.events.push({
          type: 'contact.changed',
          phoneNumberId: pn,
          payload: { contact_id: found.id, change },
        });
      }
    }
    out.push(found);
  }

  const fresh = [...created.values()];
  for (let i = 0; i < fresh.length; i += INSERT_CHUNK) {
    const slice = fresh.slice(i, i + INSERT_CHUNK);
    const inserted = await trx
      .insertInto('contacts')
      .values(slice.map(({ attributes_json: _a, ...row }) => row))
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .execute();
    if (inserted.length !== slice.length)
      throw new Error('a contact was created concurrently; resolving one by one');
  }
  await updateMany(trx, {
    dialect: input.dialect,
    table: 'contacts',
    columns: CONTACT_COLUMNS,
    rows: [...dirty.values()].map((r) => ({
      id: r.id,
      set: {
        wa_id: r.wa_id,
        bsuid: r.bsuid,
        parent_bsuid: r.parent_bsuid,
        username: r.username,
        profile_name: r.profile_name,
        profile_name_at: r.profile_name_at,
        updated_at: r.updated_at,
      },
    })),
  });
  return out;
}
