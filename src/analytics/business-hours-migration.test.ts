import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { oneBusinessHoursMigration } from '../platform/db/migrations/041_one_business_hours.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../testing/databases.ts';

// biome-ignore lint/suspicious/noExplicitAny: the schema before migration 041 (the reports' own column).
type AnyDb = Kysely<any>;

/**
 * Migration 041: the reports' copy of a number's business hours moves to the one store
 * (`business_hours`), in both shapes it was written in (a bare list of intervals, and the schedule
 * with holidays), and a number that had both keeps the automation's.
 */
describe.each(testDialects)('migration 041, one store of business hours (%s)', (dialect) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
  });
  afterEach(async () => database.destroy());

  it('moves the reports’ business hours to business_hours and drops their column', async () => {
    const db = database.db as unknown as AnyDb;
    const migration = oneBusinessHoursMigration(dialect);
    // Back to the schema before 041, with what the reports had written.
    await migration.down?.(db);
    const settings = (id: string, timeZone: string, hours: unknown) => ({
      phone_number_id: id,
      time_zone: timeZone,
      business_hours_json: hours === null ? null : JSON.stringify(hours),
      first_response_target_ms: null,
      resolution_target_ms: null,
      csat_enabled: 0,
      csat_template_name: null,
      csat_template_language: null,
      csat_question: null,
      updated_at: 1_000,
    });
    await db
      .insertInto('analytics_number_settings')
      .values([
        // The first shape: intervals by day number (0 = Sunday).
        settings('pn-list', 'America/New_York', [
          { day: 1, start: '09:00', end: '12:00' },
          { day: 1, start: '13:00', end: '17:00' },
          { day: 5, start: '09:00', end: '13:00' },
        ]),
        // The later shape: platform/schedule.ts's model with holidays.
        settings('pn-schedule', 'Europe/Madrid', {
          timeZone: 'Europe/Madrid',
          weekly: { tue: [['10:00', '14:00']] },
          holidays: ['2026-12-25'],
        }),
        // Both stores had hours: the automation's stay (its out-of-hours reply used them).
        settings('pn-both', 'UTC', [{ day: 3, start: '08:00', end: '09:00' }]),
        settings('pn-none', 'UTC', null),
      ])
      .execute();
    await db
      .insertInto('business_hours')
      .values({
        phone_number_id: 'pn-both',
        time_zone: 'America/Sao_Paulo',
        weekly_json: JSON.stringify({ wed: [['09:00', '18:00']] }),
        holidays_json: '[]',
        out_of_hours_text: 'Closed.',
        updated_at: 5,
      })
      .execute();

    await migration.up(db);

    const rows = await database.db
      .selectFrom('business_hours')
      .selectAll()
      .orderBy('phone_number_id')
      .execute();
    expect(
      rows.map((r) => ({
        id: r.phone_number_id,
        zone: r.time_zone,
        weekly: JSON.parse(r.weekly_json),
        holidays: JSON.parse(r.holidays_json),
        text: r.out_of_hours_text,
      })),
    ).toEqual([
      {
        id: 'pn-both',
        zone: 'America/Sao_Paulo',
        weekly: { wed: [['09:00', '18:00']] },
        holidays: [],
        text: 'Closed.',
      },
      {
        id: 'pn-list',
        zone: 'America/New_York',
        weekly: {
          mon: [
            ['09:00', '12:00'],
            ['13:00', '17:00'],
          ],
          fri: [['09:00', '13:00']],
        },
        holidays: [],
        text: null,
      },
      {
        id: 'pn-schedule',
        zone: 'Europe/Madrid',
        weekly: { tue: [['10:00', '14:00']] },
        holidays: ['2026-12-25'],
        text: null,
      },
    ]);
    // The column is gone; the rest of the settings stay.
    const left = await db
      .selectFrom('analytics_number_settings')
      .selectAll()
      .orderBy('phone_number_id')
      .execute();
    expect(left).toHaveLength(4);
    expect(Object.keys(left[0] ?? {})).not.toContain('business_hours_json');
  });
});
