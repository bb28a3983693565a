import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';

/** The hub-wide settings the owner controls. */
export type Settings = { requireMfaForAll: boolean };

const defaults: Settings = { requireMfaForAll: false };

export async function getSettings(db: Kysely<DB>): Promise<Settings> {
  const rows = await db.selectFrom('settings').selectAll().execute();
  const out: Settings = { ...defaults };
  for (const row of rows) {
    if (row.key === 'require_mfa_for_all') out.requireMfaForAll = JSON.parse(row.value_json) === true;
  }
  return out;
}

export async function updateSettings(
  db: Kysely<DB>,
  patch: Partial<Settings>,
  now: number,
): Promise<Settings> {
  if (patch.requireMfaForAll !== undefined) {
    const value_json = JSON.stringify(patch.requireMfaForAll);
    await db
      .insertInto('settings')
      .values({ key: 'require_mfa_for_all', value_json, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value_json, updated_at: now }))
      .execute();
  }
  return getSettings(db);
}
