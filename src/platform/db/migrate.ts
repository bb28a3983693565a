import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Dialect } from './database.ts';
import { coreMigration } from './migrations/001_core.ts';
import { outboundMigration } from './migrations/004_outbound.ts';
import { accountsMigration } from './migrations/005_accounts.ts';
import { mediaMigration } from './migrations/006_media.ts';
import { eventsJobsMigration } from './migrations/007_events_jobs.ts';
import { sendDeadlineMigration } from './migrations/009_send_deadline.ts';
import { messageOrderMigration } from './migrations/010_message_order.ts';
import { archiveMigration } from './migrations/012_archive.ts';
import { outboundWebhooksMigration } from './migrations/013_outbound_webhooks.ts';
import { securityLogMigration } from './migrations/014_security_log.ts';
import { automationMigration } from './migrations/015_automation.ts';
import { flowsMigration } from './migrations/016_flows.ts';
import { consentMigration } from './migrations/017_consent.ts';
import { campaignsMigration } from './migrations/018_campaigns.ts';
import { analyticsMigration } from './migrations/019_analytics.ts';
import { integrationsMigration } from './migrations/020_integrations.ts';
import { archiveRetentionMigration } from './migrations/021_archive_retention.ts';
import { searchMigration } from './migrations/022_search.ts';
import { analyticsNumberDailyMigration } from './migrations/029_analytics_number_daily.ts';
import { onboardingMigration } from './migrations/033_onboarding.ts';
import { organisationsMigration } from './migrations/034_organisations.ts';
import { userLanguageMigration } from './migrations/036_user_language.ts';
import { inboxErgonomicsMigration } from './migrations/037_inbox_ergonomics.ts';
import { inboxScaleMigration } from './migrations/039_inbox_scale.ts';
import { automationRunLogMigration } from './migrations/040_automation_run_log.ts';
import { oneBusinessHoursMigration } from './migrations/041_one_business_hours.ts';
import { handoffSendsMigration } from './migrations/047_handoff_sends.ts';

/** Every migration, in order. A feature that adds tables appends its migration here. */
export function allMigrations(dialect: Dialect): Record<string, Migration> {
  return {
    '001_core': coreMigration(dialect),
    '004_outbound': outboundMigration(dialect),
    '005_accounts': accountsMigration(dialect),
    '006_media': mediaMigration(dialect),
    '007_events_jobs': eventsJobsMigration(dialect),
    '009_send_deadline': sendDeadlineMigration(dialect),
    '010_message_order': messageOrderMigration(dialect),
    '012_archive': archiveMigration(dialect),
    '013_outbound_webhooks': outboundWebhooksMigration(dialect),
    '014_security_log': securityLogMigration(dialect),
    '015_automation': automationMigration(dialect),
    '016_flows': flowsMigration(dialect),
    '017_consent': consentMigration(dialect),
    '018_campaigns': campaignsMigration(dialect),
    '019_analytics': analyticsMigration(dialect),
    '020_integrations': integrationsMigration(dialect),
    '021_archive_retention': archiveRetentionMigration(dialect),
    '022_search': searchMigration(dialect),
    '029_analytics_number_daily': analyticsNumberDailyMigration(dialect),
    '033_onboarding': onboardingMigration(dialect),
    '034_organisations': organisationsMigration(dialect),
    '036_user_language': userLanguageMigration(dialect),
    '037_inbox_ergonomics': inboxErgonomicsMigration(dialect),
    '039_inbox_scale': inboxScaleMigration(dialect),
    '040_automation_run_log': automationRunLogMigration(dialect),
    '041_one_business_hours': oneBusinessHoursMigration(dialect),
    '047_handoff_sends': handoffSendsMigration(dialect),
  };
}

/** Brings the schema up to date; safe to call from several nodes at once on PostgreSQL. */
export async function migrateToLatest<Schema>(
  db: Kysely<Schema>,
  dialect: Dialect,
): Promise<{ applied: string[] }> {
  const provider: MigrationProvider = { getMigrations: async () => allMigrations(dialect) };
  // Features number their migrations ahead of time and land in any order (039 after 040); each
  // migration touches only its own feature's tables, so one that arrives after a later number has
  // run is applied rather than refused.
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
