import type { AnalyticsTables } from './analytics/analytics.table.ts';
import type { ArchiveTables } from './archive/archive.table.ts';
import type { AudienceTables } from './audiences/audience.table.ts';
import type { AuthTables } from './auth/auth.table.ts';
import type { AiTables } from './automation/ai/ai.table.ts';
import type { AutomationTables } from './automation/automation.table.ts';
import type { FlowTables } from './automation/flows/flow.table.ts';
import type { KnowledgeTables } from './automation/knowledge/knowledge.table.ts';
import type { CampaignTables } from './campaigns/campaign.table.ts';
import type { ConsentTables } from './consent/consent.table.ts';
import type { ContactTables } from './contacts/contact.table.ts';
import type { ConversationTables } from './conversations/conversation.table.ts';
import type { CsatTables } from './csat/csat.table.ts';
import type { FailureTables } from './failures/failure.table.ts';
import type { InboxTables } from './inbox/inbox.table.ts';
import type { OutboundWebhookTables } from './integrations/outbound-webhooks/outbound-webhook.table.ts';
import type { MediaTables } from './media/media.table.ts';
import type { MessageTables } from './messages/message.table.ts';
import type { WebhookTables } from './meta-webhooks/webhook.table.ts';
import type { NumberTables } from './numbers/number.table.ts';
import type { OnboardingTables } from './onboarding/onboarding.table.ts';
import type { OrganisationTables } from './organisations/organisation.table.ts';
import type { OutboundTables } from './outbound/outbound.table.ts';
import {
  type OpenDatabaseOptions,
  openDatabase as openPlatformDatabase,
  type Database as PlatformDatabase,
} from './platform/db/database.ts';
import type { EventTables } from './platform/events/event.table.ts';
import type { JobTables } from './platform/jobs/job.table.ts';
import type { RoutingTables } from './routing/routing.table.ts';
import type { SecurityLogTables } from './security/security-log.table.ts';
import type { SettingTables } from './settings/setting.table.ts';
import type { SyncHealthTables } from './sync-health/sync-health.table.ts';
import type { TeamTables } from './teams/team.table.ts';
import type { TemplateTables } from './templates/template.table.ts';
import type { UserTables } from './users/user.table.ts';

/*
 * Every table of the hub, assembled from the `*.table.ts` file of the feature that owns it. The
 * conventions, the same on SQLite and PostgreSQL:
 * - times are integer milliseconds since the epoch (`*_at`), Meta's own times included;
 * - booleans are integers 0/1;
 * - structured data is JSON text (`*_json`);
 * - ids we mint are text (UUIDs); append-only logs use an auto-increment integer id that gives order.
 * A feature that adds tables declares them in its own `*.table.ts` and adds its set here.
 */

/** The hub's schema, as Kysely sees it. */
export type DB = EventTables &
  AnalyticsTables &
  CsatTables &
  JobTables &
  WebhookTables &
  NumberTables &
  OnboardingTables &
  ContactTables &
  ConversationTables &
  MessageTables &
  TemplateTables &
  CampaignTables &
  FailureTables &
  OutboundTables &
  MediaTables &
  AuthTables &
  UserTables &
  OrganisationTables &
  TeamTables &
  InboxTables &
  SettingTables &
  ArchiveTables &
  OutboundWebhookTables &
  SecurityLogTables &
  ConsentTables &
  AudienceTables &
  SyncHealthTables &
  FlowTables &
  KnowledgeTables &
  AiTables &
  AutomationTables &
  RoutingTables;

/** The hub's open database. */
export type Database = PlatformDatabase<DB>;

/** Opens the hub's database at `url` (see `platform/db/database.ts` for the URL forms). */
export function openDatabase(url: string, options: OpenDatabaseOptions = {}): Database {
  return openPlatformDatabase<DB>(url, options);
}
