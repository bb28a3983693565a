import type { App } from '../app.ts';
import { buildApp } from '../app.ts';
import type { AppDeps } from '../app-deps.ts';
import { ManualClock } from '../platform/clock.ts';
import { loadConfig } from '../platform/config.ts';
import type { Dialect } from '../platform/db/database.ts';
import { createLogger } from '../platform/logger.ts';
import { createTestDatabase, type TestDatabase } from '../platform/testing/databases.ts';
import { insertUser } from '../users/users.repository.ts';
import { createApiToken } from './api-tokens.ts';
import { hashPassword } from './passwords.ts';
import type { Role } from './principal.ts';

/** Test fixtures for the accounts part: an app on a real database, two business accounts, users. */
export const WABA_A = '102290129340398';
export const NUMBER_A = '106540352242922';
export const WABA_B = '200000000000001';
export const NUMBER_B = '200000000000002';
export const PASSWORD = 'correct horse battery';

export type AccountsFixture = {
  app: App;
  deps: AppDeps;
  clock: ManualClock;
  database: TestDatabase;
  close(): Promise<void>;
};

export async function startAccountsApp(
  dialect: Dialect,
  options: { publicUrl?: string; trustProxy?: string } = {},
): Promise<AccountsFixture> {
  const database = await createTestDatabase(dialect);
  const clock = new ManualClock();
  const config = loadConfig({
    META_APP_SECRET: 'sandbox-app-secret',
    META_VERIFY_TOKEN: 'sandbox-verify-token',
    COEXIST_PUBLIC_URL: options.publicUrl,
    COEXIST_TRUST_PROXY: options.trustProxy,
  });
  const deps: AppDeps = { config, database, clock, logger: createLogger({ level: 'silent' }) };
  const app = await buildApp(deps);
  await app.ready();
  return {
    app,
    deps,
    clock,
    database,
    async close() {
      await app.close();
      await database.destroy();
    },
  };
}

/** Two business accounts with one number, one contact and one open conversation each. */
export async function seedInbox(
  deps: AppDeps,
): Promise<{ conversationA: string; conversationB: string; contactA: string; contactB: string }> {
  const db = deps.database.db;
  const now = deps.clock.now();
  for (const [waba, number, suffix] of [
    [WABA_A, NUMBER_A, 'a'],
    [WABA_B, NUMBER_B, 'b'],
  ] as const) {
    await db
      .insertInto('wabas')
      .values({
        id: waba,
        name: `WABA ${suffix}`,
        owner_business_id: null,
        state: 'active',
        last_lifecycle_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await db
      .insertInto('phone_numbers')
      .values({
        id: number,
        waba_id: waba,
        display_phone_number: `1555000000${suffix === 'a' ? 1 : 2}`,
        verified_name: `Number ${suffix}`,
        is_coexistence: 1,
        connection_state: 'connected',
        disconnection_reason: null,
        disconnection_initiated_by: null,
        connection_changed_at: null,
        last_lifecycle_at: null,
        onboarded_at: now,
        last_echo_at: null,
        history_state: 'not_requested',
        history_progress: 0,
        history_error_json: null,
        history_last_chunk_at: null,
        contacts_sync_state: 'not_requested',
        throughput_mps: 20,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await db
      .insertInto('contacts')
      .values({
        id: `contact-${suffix}`,
        phone_number_id: number,
        wa_id: suffix === 'a' ? '16505551234' : '16505559999',
        bsuid: null,
        parent_bsuid: null,
        username: null,
        profile_name: suffix === 'a' ? 'Ana' : 'Bruno',
        profile_name_at: now,
        address_book_name: null,
        address_book_first_name: null,
        in_address_book: 0,
        address_book_synced_at: null,
        marketing_opt_out: 0,
        marketing_opt_out_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await db
      .insertInto('conversations')
      .values({
        id: `conversation-${suffix}`,
        phone_number_id: number,
        contact_id: `contact-${suffix}`,
        status: 'open',
        window_expires_at: now + 86_400_000,
        last_customer_message_at: now,
        fep_expires_at: null,
        last_message_at: now,
        last_message_preview: 'hello',
        assignee_user_id: null,
        team_id: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  return {
    conversationA: 'conversation-a',
    conversationB: 'conversation-b',
    contactA: 'contact-a',
    contactB: 'contact-b',
  };
}

export type TestUser = { id: string; email: string; role: Role; token: string };

/** A user with a known password and a bearer token of the same role and scope. */
export async function createTestUser(
  deps: AppDeps,
  input: { role: Role; email?: string; wabaIds?: string[] | null },
): Promise<TestUser> {
  const email = input.email ?? `${input.role}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  const wabaIds = input.wabaIds === undefined ? [WABA_A] : input.wabaIds;
  const user = await insertUser(deps.database.db, {
    email,
    name: `${input.role} ${email.split('@')[0]}`,
    role: input.role,
    passwordHash: await hashPassword(PASSWORD),
    wabaIds: input.role === 'owner' ? null : wabaIds,
    now: deps.clock.now(),
  });
  const { token } = await createApiToken(deps.database.db, {
    name: 'test',
    userId: user.id,
    wabaId: input.role === 'owner' || wabaIds === null ? null : (wabaIds[0] ?? null),
    role: input.role,
    now: deps.clock.now(),
  });
  return { id: user.id, email, role: input.role, token };
}

/** Extracts `name=value` pairs from a response's Set-Cookie headers. */
export function cookiesFrom(headers: Record<string, unknown>): Record<string, string> {
  const raw = headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : raw ? [String(raw)] : [];
  const out: Record<string, string> = {};
  for (const c of list as string[]) {
    const [pair] = c.split(';');
    const eq = pair!.indexOf('=');
    out[pair!.slice(0, eq)] = decodeURIComponent(pair!.slice(eq + 1));
  }
  return out;
}
