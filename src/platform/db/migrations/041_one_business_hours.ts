import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations run against a schema that is being built.
type AnyDb = Kysely<any>;

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** What `analytics_number_settings.business_hours_json` held: intervals by day number, or a schedule. */
function weeklyAndHolidays(
  json: string,
): { weekly: Record<string, [string, string][]>; holidays: string[] } | null {
  let stored: unknown;
  try {
    stored = JSON.parse(json);
  } catch {
    return null;
  }
  if (Array.isArray(stored)) {
    const weekly: Record<string, [string, string][]> = {};
    for (const iv of stored as { day?: number; start?: string; end?: string }[]) {
      const day = WEEKDAYS[iv.day ?? -1];
      if (!day || typeof iv.start !== 'string' || typeof iv.end !== 'string') continue;
      weekly[day] = [...(weekly[day] ?? []), [iv.start, iv.end]];
    }
    return { weekly, holidays: [] };
  }
  if (stored === null || typeof stored !== 'object') return null;
  const s = stored as { weekly?: Record<string, [string, string][]>; holidays?: string[] };
  return { weekly: s.weekly ?? {}, holidays: Array.isArray(s.holidays) ? s.holidays : [] };
}

/**
 * One store of a number's business hours (`automation/business-hours.ts`, table `business_hours`):
 * the reports kept their own copy in `analytics_number_settings.business_hours_json`, so a number
 * could be open for its out-of-hours reply and closed for its reports. Hours kept only by the
 * reports move to `business_hours` (a number that has both keeps the automation's, which its
 * customers saw), and the column goes.
 */
export function oneBusinessHoursMigration(_dialect: Dialect): Migration {
  return {
    async up(db: AnyDb) {
      const rows = (await db
        .selectFrom('analytics_number_settings')
        .select(['phone_number_id', 'time_zone', 'business_hours_json', 'updated_at'])
        .where('business_hours_json', 'is not', null)
        .execute()) as {
        phone_number_id: string;
        time_zone: string;
        business_hours_json: string;
        updated_at: number;
      }[];
      for (const row of rows) {
        const parsed = weeklyAndHolidays(row.business_hours_json);
        if (!parsed || Object.keys(parsed.weekly).length === 0) continue;
        await db
          .insertInto('business_hours')
          .values({
            phone_number_id: row.phone_number_id,
            time_zone: row.time_zone,
            weekly_json: JSON.stringify(parsed.weekly),
            holidays_json: JSON.stringify(parsed.holidays),
            out_of_hours_text: null,
            updated_at: row.updated_at,
          })
          .onConflict((oc) => oc.column('phone_number_id').doNothing())
          .execute();
      }
      await db.schema.alterTable('analytics_number_settings').dropColumn('business_hours_json').execute();
    },
    async down(db: AnyDb) {
      await db.schema
        .alterTable('analytics_number_settings')
        .addColumn('business_hours_json', 'text')
        .execute();
    },
  };
}
