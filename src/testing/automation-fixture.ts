import { type Kysely, sql } from 'kysely';
import { automationEngineSubscriber } from '../automation/engine.subscriber.ts';
import { type DB, openDatabase } from '../database.ts';
import { startEventSubscribers } from '../hub.ts';
import { applyResults, claimJobs, type JobResult, loadQueuedJobs } from '../outbound/outbox.repository.ts';
import { refusedAtDispatch } from '../outbound/outcome-policy.ts';
import { decideSend } from '../outbound/send-policy.ts';
import type { Dialect } from '../platform/db/database.ts';
import { newId } from '../platform/ids.ts';
import { createTestDatabase, type TestDatabase } from './databases.ts';
import { createWebhookHarness, envelope, type WebhookHarness } from './webhook-harness.ts';

/** The number the automation tests talk as (Meta's fixture number). */
export const PN = '106540352242922';
export const META = { display_phone_number: '15550783881', phone_number_id: PN };

/** What passed the send policy at dispatch: the messages that would have reached Meta. */
export type Dispatched = {
  readonly messageId: string;
  readonly origin: string;
  readonly conversationId: string;
  readonly step: number;
  /** The newest stored message (`messages.seq`) when it passed: anything stored later came after it. */
  readonly seqHorizon: number;
};

/**
 * A hub fed by real signed webhooks (parse, processors, event log), with the automation engine run
 * by hand and a dispatcher that does what the number's sender does before each Graph call: claim
 * the queued jobs under a lease and ask the send policy again (`decideSend`, stage `dispatch`).
 * What passes is recorded as dispatched instead of being posted to Meta, so a test counts exactly
 * what would have reached the Cloud API, without the sender's rate limits in the way (tests only).
 */
export type AutomationFixture = {
  readonly h: WebhookHarness;
  readonly database: TestDatabase;
  readonly dispatched: Dispatched[];
  /** A step counter the test advances; each dispatch records the step it happened at. */
  step: number;
  /** A signed webhook body with customers' messages (`contacts` from their `from`). */
  inboundBody(messages: Record<string, unknown>[]): string;
  /** A signed webhook body with the owner's echoes. */
  echoBody(echoes: Record<string, unknown>[]): string;
  /** A history webhook body (one thread per customer). */
  historyBody(threads: { id: string; messages: Record<string, unknown>[] }[]): string;
  /** Posts bodies and applies them. */
  deliver(...bodies: string[]): Promise<void>;
  /** Runs the automation engine until it has caught up. */
  engine(): Promise<number>;
  /** Claims every queued job and decides each at dispatch. */
  dispatch(): Promise<number>;
  /** The conversation id of a customer. */
  conversationOf(waId: string): Promise<string | null>;
  close(): Promise<void>;
};

const HOLDER = 'automation-fixture';

/**
 * A fresh test database. `unsynced`: a replay of tens of thousands of commits tests logic, not
 * durability, so commits do not wait for the disk (SQLite `synchronous = OFF`, PostgreSQL
 * `synchronous_commit = off`, which keeps every transaction's atomicity and isolation and only risks
 * the last commits on a crash of the server).
 */
async function openFixtureDatabase(dialect: Dialect, unsynced: boolean): Promise<TestDatabase> {
  const database = await createTestDatabase(dialect);
  if (!unsynced) return database;
  if (database.dialect === 'sqlite') {
    await sql`PRAGMA synchronous = OFF`.execute(database.db);
    return database;
  }
  // A database-level setting reaches every connection opened after it: reopen the pool.
  const name = new URL(database.url).pathname.slice(1);
  await sql`ALTER DATABASE ${sql.id(name)} SET synchronous_commit = off`.execute(database.db);
  await database.close();
  const reopened = openDatabase(database.url);
  return {
    ...reopened,
    url: database.url,
    destroy: async () => {
      await reopened.close();
      await database.destroy();
    },
  };
}

export async function startAutomationFixture(
  dialect: Dialect,
  options: { database?: TestDatabase; unsynced?: boolean } = {},
): Promise<AutomationFixture> {
  const database = options.database ?? (await openFixtureDatabase(dialect, options.unsynced === true));
  const h = await createWebhookHarness(database);
  const subscribers = startEventSubscribers(h.deps, {
    subscribers: [automationEngineSubscriber],
    autoStart: false,
    gapGraceMs: 0,
    batchSize: 500,
  });
  // The engine starts from "now": give it its cursor before anything happens.
  await subscribers.runOnce();
  const db = database.db;
  let leaseReady = false;
  const fixture: AutomationFixture = {
    h,
    database,
    dispatched: [],
    step: 0,
    inboundBody(messages) {
      const contacts = [...new Set(messages.map((m) => String(m.from)))].map((wa_id) => ({
        profile: { name: `Customer ${wa_id.slice(-4)}` },
        wa_id,
      }));
      return envelope('messages', { messaging_product: 'whatsapp', metadata: META, contacts, messages });
    },
    echoBody(echoes) {
      return envelope('smb_message_echoes', {
        messaging_product: 'whatsapp',
        metadata: META,
        message_echoes: echoes,
      });
    },
    historyBody(threads) {
      return envelope('history', {
        messaging_product: 'whatsapp',
        metadata: META,
        history: [{ metadata: { phase: 0, chunk_order: 1, progress: 100 }, threads }],
      });
    },
    async deliver(...bodies) {
      for (const body of bodies) {
        const res = await h.post(body);
        if (res.statusCode !== 200) throw new Error(`webhook refused: ${res.statusCode} ${res.body}`);
      }
      await h.drain();
    },
    async engine() {
      let total = 0;
      for (;;) {
        const n = await subscribers.runOnce();
        total += n;
        if (n === 0) return total;
      }
    },
    async dispatch() {
      const now = h.clock.now();
      if (!leaseReady) {
        await db
          .insertInto('number_leases')
          .values({
            phone_number_id: PN,
            holder: HOLDER,
            epoch: 1,
            expires_at: Number.MAX_SAFE_INTEGER,
            updated_at: now,
          })
          .onConflict((oc) =>
            oc
              .column('phone_number_id')
              .doUpdateSet({ holder: HOLDER, epoch: 1, expires_at: Number.MAX_SAFE_INTEGER }),
          )
          .execute();
        leaseReady = true;
      }
      let count = 0;
      for (;;) {
        const queued = await loadQueuedJobs(db, { phoneNumberId: PN, afterId: 0, limit: 500 });
        if (queued.length === 0) return count;
        const claimed = await claimJobs(db, database.dialect, {
          phoneNumberId: PN,
          holder: HOLDER,
          epoch: 1,
          ids: queued.map((q) => q.id),
          now,
        });
        if (!claimed || claimed === 'paused') throw new Error(`cannot claim: ${claimed ?? 'lease lost'}`);
        const results: JobResult[] = [];
        const horizon = await db
          .selectFrom('messages')
          .select((eb) => eb.fn.max('seq').as('seq'))
          .executeTakeFirst();
        const seqHorizon = Number(horizon?.seq ?? 0);
        const origins = new Map(
          (
            await db
              .selectFrom('messages')
              .select(['id', 'origin', 'conversation_id'])
              .where('id', 'in', claimed.map((c) => c.messageId).concat(['-']))
              .execute()
          ).map((m) => [m.id, m]),
        );
        for (const job of claimed) {
          const refusal = decideSend({ ...job.facts, now }, 'dispatch');
          if (refusal) {
            results.push(refusedAtDispatch(job, 0, refusal));
            continue;
          }
          const m = origins.get(job.messageId);
          fixture.dispatched.push({
            messageId: job.messageId,
            origin: m?.origin ?? 'unknown',
            conversationId: m?.conversation_id ?? '',
            step: fixture.step,
            seqHorizon,
          });
          results.push({
            kind: 'accepted',
            jobId: job.jobId,
            messageId: job.messageId,
            wamid: `wamid.fx${newId()}`,
          });
          count += 1;
        }
        await applyResults(db, { phoneNumberId: PN, results, now });
      }
    },
    async conversationOf(waId) {
      const row = await db
        .selectFrom('conversations')
        .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
        .select('conversations.id')
        .where('contacts.wa_id', '=', waId)
        .where('conversations.phone_number_id', '=', PN)
        .executeTakeFirst();
      return row?.id ?? null;
    },
    async close() {
      await subscribers.stop();
      await h.close();
      if (!options.database) await database.destroy();
    },
  };
  return fixture;
}

/** Writes a rule row directly (the API's checks are tested with the routes). */
export async function insertRule(
  db: Kysely<DB>,
  rule: {
    trigger: unknown;
    conditions?: unknown[];
    actions: unknown[];
    phoneNumberId?: string | null;
    position?: number;
  },
): Promise<string> {
  const id = newId();
  await db
    .insertInto('automation_rules')
    .values({
      id,
      phone_number_id: rule.phoneNumberId ?? null,
      name: `rule ${id.slice(0, 6)}`,
      enabled: 1,
      position: rule.position ?? 0,
      trigger_json: JSON.stringify(rule.trigger),
      conditions_json: JSON.stringify(rule.conditions ?? []),
      actions_json: JSON.stringify(rule.actions),
      created_at: 0,
      updated_at: 0,
    })
    .execute();
  return id;
}
