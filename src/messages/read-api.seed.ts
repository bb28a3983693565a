import type { Insertable } from 'kysely';
import type { App } from '../app.ts';
import { buildApp } from '../app.ts';
import type { AppDeps } from '../app-deps.ts';
import { createApiToken } from '../auth/api-tokens.ts';
import type { ContactTable } from '../contacts/contact.table.ts';
import type { ConversationTable } from '../conversations/conversation.table.ts';
import type { PhoneNumberTable } from '../numbers/number.table.ts';
import { ManualClock } from '../platform/clock.ts';
import { loadConfig } from '../platform/config.ts';
import type { Dialect } from '../platform/db/database.ts';
import { createLogger } from '../platform/logger.ts';
import { createTestDatabase, type TestDatabase } from '../platform/testing/databases.ts';
import { createRealtimeHub, type RealtimeHubOptions } from '../realtime/realtime-hub.ts';
import type { MessageTable } from './message.table.ts';

/** Test support for the read API: a real migrated database, an app on it, tokens and row seeders. */
export type ReadApiHarness = {
  readonly database: TestDatabase;
  readonly clock: ManualClock;
  readonly deps: AppDeps;
  readonly app: App;
  token(options?: { wabaId?: string }): Promise<string>;
  close(): Promise<void>;
};

export async function createReadApiHarness(
  dialect: Dialect,
  options: { realtime?: Omit<RealtimeHubOptions, 'database'> } = {},
): Promise<ReadApiHarness> {
  const database = await createTestDatabase(dialect);
  const clock = new ManualClock();
  const config = loadConfig({
    META_APP_SECRET: 'sandbox-app-secret',
    META_VERIFY_TOKEN: 'sandbox-verify-token',
    DATABASE_URL: database.url,
    LOG_LEVEL: 'silent',
  });
  const logger = createLogger({ level: 'silent' });
  const realtime = options.realtime
    ? createRealtimeHub({ database, logger, ...options.realtime })
    : undefined;
  const deps: AppDeps = { config, database, clock, logger, ...(realtime ? { realtime } : {}) };
  const app = await buildApp(deps);
  return {
    database,
    clock,
    deps,
    app,
    async token(options = {}) {
      const { token } = await createApiToken(database.db, {
        name: 'test',
        wabaId: options.wabaId ?? null,
        now: clock.now(),
      });
      return token;
    },
    async close() {
      await app.close();
      realtime?.close();
      await database.destroy();
    },
  };
}

export const WABA = '102290129340398';
export const NUMBER = '106540352242922';
export const OTHER_WABA = '200000000000001';
export const OTHER_NUMBER = '200000000000002';
export const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);

export async function seedNumber(
  db: TestDatabase['db'],
  row: Partial<Insertable<PhoneNumberTable>> & { id: string; waba_id: string },
): Promise<void> {
  await db
    .insertInto('wabas')
    .values({
      id: row.waba_id,
      name: null,
      owner_business_id: null,
      state: 'active',
      last_lifecycle_at: null,
      created_at: T0,
      updated_at: T0,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  await db
    .insertInto('phone_numbers')
    .values({
      display_phone_number: '15550783881',
      verified_name: 'Coexist Demo',
      is_coexistence: 1,
      connection_state: 'connected',
      disconnection_reason: null,
      disconnection_initiated_by: null,
      connection_changed_at: null,
      last_lifecycle_at: null,
      onboarded_at: T0,
      last_echo_at: null,
      history_state: 'not_requested',
      history_progress: 0,
      history_error_json: null,
      history_last_chunk_at: null,
      contacts_sync_state: 'not_requested',
      throughput_mps: 20,
      created_at: T0,
      updated_at: T0,
      ...row,
    })
    .execute();
}

export async function seedContact(
  db: TestDatabase['db'],
  row: Partial<Insertable<ContactTable>> & { id: string; phone_number_id: string },
): Promise<void> {
  await db
    .insertInto('contacts')
    .values({
      wa_id: null,
      bsuid: null,
      parent_bsuid: null,
      username: null,
      profile_name: null,
      profile_name_at: null,
      address_book_name: null,
      address_book_first_name: null,
      in_address_book: 0,
      address_book_synced_at: null,
      marketing_opt_out: 0,
      marketing_opt_out_at: null,
      created_at: T0,
      updated_at: T0,
      ...row,
    })
    .execute();
}

export async function seedConversation(
  db: TestDatabase['db'],
  row: Partial<Insertable<ConversationTable>> & { id: string; phone_number_id: string; contact_id: string },
): Promise<void> {
  await db
    .insertInto('conversations')
    .values({
      status: 'open',
      window_expires_at: null,
      last_customer_message_at: null,
      fep_expires_at: null,
      last_message_at: null,
      last_message_preview: null,
      assignee_user_id: null,
      team_id: null,
      created_at: T0,
      updated_at: T0,
      ...row,
    })
    .execute();
}

export async function seedMessage(
  db: TestDatabase['db'],
  row: Partial<Insertable<MessageTable>> & {
    id: string;
    phone_number_id: string;
    conversation_id: string;
    contact_id: string;
  },
): Promise<void> {
  await db
    .insertInto('messages')
    .values({
      wamid: `wamid.${row.id}`,
      direction: 'inbound',
      origin: 'customer',
      author_user_id: null,
      type: 'text',
      content_json: JSON.stringify({ body: `text of ${row.id}` }),
      edited_content_json: null,
      edited_at: null,
      deleted_at: null,
      context_wamid: null,
      context_json: null,
      referral_json: null,
      errors_json: null,
      timestamp: T0,
      received_at: T0,
      status: 'received',
      status_at: null,
      error_json: null,
      pricing_json: null,
      history_status: null,
      biz_opaque_callback_data: null,
      webhook_event_id: null,
      ...row,
    })
    .execute();
}
