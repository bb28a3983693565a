import type { Insertable } from 'kysely';
import type { AppDeps } from '../app-deps.ts';
import { createApiToken } from '../auth/api-tokens.ts';
import { hashPassword } from '../auth/passwords.ts';
import type { Role } from '../auth/principal.ts';
import type { ContactTable } from '../contacts/contact.table.ts';
import type { ConversationTable } from '../conversations/conversation.table.ts';
import type { MessageTable } from '../messages/message.table.ts';
import { newMessageRow } from '../messages/new-message-row.ts';
import { ensureWaba } from '../numbers/number.repository.ts';
import type { PhoneNumberTable } from '../numbers/number.table.ts';
import { insertUser } from '../users/users.repository.ts';
import type { TestDatabase } from './databases.ts';

/*
 * Rows for tests, with values a test overrides per row and fixed ids (fixtures/meta/ uses WABA and
 * NUMBER). Seeders use the hub's own writers where those neither mint ids nor record events
 * (`ensureWaba`, `newMessageRow`, `insertUser`, `createApiToken`); contacts, conversations and
 * numbers are inserted here with the same columns, since their repositories mint ids and record
 * `*.created` events a test would then read.
 */

/** The business account and number of Meta's fixtures; the OTHER pair is a second business account. */
export const WABA = '102290129340398';
export const NUMBER = '106540352242922';
export const OTHER_WABA = '200000000000001';
export const OTHER_NUMBER = '200000000000002';
/** The time every seeded row is created at unless a test says otherwise. */
export const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);

/**
 * A business account (if new, through the numbers repository's `ensureWaba`) and a connected
 * coexistence number in it. The number row is written here, not by `ensurePhoneNumber`, because
 * seeding states the world before a test and must not record events the test would then read.
 */
export async function seedNumber(
  db: TestDatabase['db'],
  row: Partial<Insertable<PhoneNumberTable>> & { id: string; waba_id: string },
  options: { wabaName?: string } = {},
): Promise<void> {
  await ensureWaba(db, { wabaId: row.waba_id, at: T0 });
  if (options.wabaName !== undefined) {
    await db.updateTable('wabas').set({ name: options.wabaName }).where('id', '=', row.waba_id).execute();
  }
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

/** A contact of a number, not in the owner's address book, not opted out. */
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

/** An open, unassigned conversation with no window. */
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

/** A text message from the customer (`received`), built by the one row literal, `newMessageRow`. */
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
    .values(
      newMessageRow({
        wamid: `wamid.${row.id}`,
        direction: 'inbound',
        origin: 'customer',
        type: 'text',
        content_json: JSON.stringify({ body: `text of ${row.id}` }),
        timestamp: T0,
        received_at: T0,
        status: 'received',
        ...row,
      }),
    )
    .execute();
}

export const PASSWORD = 'correct horse battery';

/** Two business accounts with one number, one contact and one open conversation (window open) each. */
export async function seedInbox(
  deps: AppDeps,
): Promise<{ conversationA: string; conversationB: string; contactA: string; contactB: string }> {
  const db = deps.database.db;
  const now = deps.clock.now();
  for (const [waba, number, suffix] of [
    [WABA, NUMBER, 'a'],
    [OTHER_WABA, OTHER_NUMBER, 'b'],
  ] as const) {
    await seedNumber(
      db,
      {
        id: number,
        waba_id: waba,
        display_phone_number: `1555000000${suffix === 'a' ? 1 : 2}`,
        verified_name: `Number ${suffix}`,
        onboarded_at: now,
        created_at: now,
        updated_at: now,
      },
      { wabaName: `WABA ${suffix}` },
    );
    await seedContact(db, {
      id: `contact-${suffix}`,
      phone_number_id: number,
      wa_id: suffix === 'a' ? '16505551234' : '16505559999',
      profile_name: suffix === 'a' ? 'Ana' : 'Bruno',
      profile_name_at: now,
      created_at: now,
      updated_at: now,
    });
    await seedConversation(db, {
      id: `conversation-${suffix}`,
      phone_number_id: number,
      contact_id: `contact-${suffix}`,
      window_expires_at: now + 86_400_000,
      last_customer_message_at: now,
      last_message_at: now,
      last_message_preview: 'hello',
      created_at: now,
      updated_at: now,
    });
  }
  return {
    conversationA: 'conversation-a',
    conversationB: 'conversation-b',
    contactA: 'contact-a',
    contactB: 'contact-b',
  };
}

export type TestUser = { id: string; email: string; role: Role; token: string };

/** A user (through the users repository) with {@link PASSWORD} and a bearer token of the same role and scope. */
export async function createTestUser(
  deps: AppDeps,
  input: { role: Role; email?: string; wabaIds?: string[] | null },
): Promise<TestUser> {
  const email = input.email ?? `${input.role}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  const wabaIds = input.wabaIds === undefined ? [WABA] : input.wabaIds;
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
