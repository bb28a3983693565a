import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../testing/databases.ts';
import { createWebhookHarness, envelope, fixture } from '../testing/webhook-harness.ts';
import { processWebhookEvents } from './webhook.processor.ts';
import { startWebhookWorker } from './webhook.worker.ts';
import { claimPendingEvents } from './webhook-event.repository.ts';

const PN = '106540352242922';
const META = { display_phone_number: '15550783881', phone_number_id: PN };
const ECHO_WAMID = 'wamid.HBgLMTY0NjcwNDM1OTUVAgARGBIyNDlBOEI5QUQ4NDc0N0FCNjMA';

/**
 * The delivery set: every webhook fixture whose items do not collide (the SDK fixtures reuse
 * `wamid.xyzxyz` for different messages and give one number two WABA ids, which real Meta never
 * does, so `messages_text.json` stands for them), plus payloads that interact: statuses for the echoed message, an edit, a reaction,
 * contact sync add/remove, the history media webhook and a lifecycle pair.
 */
function payloads(): string[] {
  const v = (extra: Record<string, unknown>) => ({ messaging_product: 'whatsapp', metadata: META, ...extra });
  const status = (s: string, ts: number) =>
    envelope(
      'messages',
      v({
        statuses: [
          {
            id: ECHO_WAMID,
            status: s,
            timestamp: String(ts),
            recipient_id: '16505551234',
            pricing: { billable: false, pricing_model: 'PMP', type: s, category: 'service' },
          },
        ],
      }),
    );
  return [
    ...[
      'messages_text.json',
      'messages_interactive_button_reply.json',
      'messages_interactive_list_reply.json',
      'smb_message_echoes.json',
      'smb_message_echoes_revoke.json',
      'status_sent_pmp_marketing.json',
      'status_delivered_cbp.json',
      'history.json',
      'smb_app_state_sync.json',
      'account_update_partner_removed.json',
      'account_update_account_offboarded.json',
      'account_update_partner_app_uninstalled.json',
      'template_status_update_approved.json',
    ].map((f) => fixture(f).toString()),
    envelope('history', JSON.parse(fixture('history_declined.json').toString())),
    status('delivered', 1_739_231_000),
    status('read', 1_739_231_100),
    status('sent', 1_739_230_999),
    envelope(
      'messages',
      v({
        messages: [
          {
            from: '16505551234',
            id: 'wamid.EDIT1',
            timestamp: '1739300000',
            type: 'edit',
            edit: {
              original_message_id: 'wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQThBREYwNzc2RDc2QjA1QTIwMgA=',
              message: { type: 'text', text: { body: 'edited' } },
            },
          },
        ],
      }),
    ),
    envelope(
      'messages',
      v({
        messages: [
          {
            from: '16505551234',
            id: 'wamid.REACT1',
            timestamp: '1739300001',
            type: 'reaction',
            reaction: { message_id: ECHO_WAMID, emoji: '👍' },
          },
        ],
      }),
    ),
    envelope(
      'messages',
      v({
        messages: [
          {
            from: '16505551234',
            id: 'wamid.REACT2',
            timestamp: '1739300002',
            type: 'reaction',
            reaction: { message_id: ECHO_WAMID, emoji: '' },
          },
        ],
      }),
    ),
    envelope(
      'smb_app_state_sync',
      v({
        state_sync: [
          {
            type: 'contact',
            contact: { phone_number: '12125557890' },
            action: 'remove',
            metadata: { timestamp: '1739321100' },
          },
        ],
      }),
    ),
    envelope(
      'smb_app_state_sync',
      v({
        state_sync: [
          {
            type: 'contact',
            contact: { full_name: 'Zoe Q', first_name: 'Zoe', phone_number: '12125557890' },
            action: 'add',
            metadata: { timestamp: '1739321000' },
          },
        ],
      }),
    ),
    envelope(
      'history',
      v({
        messages: [
          {
            from: '15550783881',
            id: 'wamid.QyNUEHBgLMTY0NjcwNDM1OTUVAgARGBI1Rj3NEYxMzAzMzQ5MkEA',
            timestamp: '1739230970',
            type: 'audio',
            audio: { id: '991', mime_type: 'audio/ogg', sha256: 'y' },
          },
        ],
      }),
    ),
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          time: 1739212000,
          changes: [{ field: 'account_update', value: { event: 'ACCOUNT_RECONNECTED' } }],
        },
      ],
    }),
    envelope(
      'messages',
      v({
        messages: [
          {
            from: '16505551234',
            id: 'wamid.LIVE1',
            timestamp: '1739400000',
            type: 'text',
            text: { body: 'latest' },
            referral: { source_type: 'ad', source_id: '9' },
          },
        ],
      }),
    ),
  ];
}

/** A small seeded PRNG so a failing permutation can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A shuffled delivery plan with duplicates, some payloads merged into multi-entry batches. */
function plan(seed: number, bodies: string[]): string[] {
  const rand = rng(seed);
  const list = bodies.flatMap((b) => Array.from({ length: 1 + Math.floor(rand() * 3) }, () => b));
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [list[i], list[j]] = [list[j] as string, list[i] as string];
  }
  const out: string[] = [];
  for (let i = 0; i < list.length; ) {
    const n = rand() < 0.3 ? 2 + Math.floor(rand() * 3) : 1;
    const group = list.slice(i, i + n);
    i += n;
    if (group.length === 1) out.push(group[0] as string);
    else {
      const entries = group.flatMap((b) => (JSON.parse(b) as { entry: unknown[] }).entry);
      out.push(JSON.stringify({ object: 'whatsapp_business_account', entry: entries }));
    }
  }
  return out;
}

/** The domain tables with our random ids replaced by natural keys, rows sorted: comparable across runs. */
async function canonicalDump(database: TestDatabase): Promise<unknown> {
  const db = database.db;
  const contacts = await db.selectFrom('contacts').selectAll().execute();
  const contactKey = new Map(contacts.map((c) => [c.id, `${c.phone_number_id}/${c.wa_id ?? c.bsuid}`]));
  const convs = await db.selectFrom('conversations').selectAll().execute();
  const convKey = new Map(convs.map((c) => [c.id, contactKey.get(c.contact_id)]));
  const strip = <T extends Record<string, unknown>>(
    rows: T[],
    drop: string[],
    map: (r: T) => Record<string, unknown> = (r) => r,
  ) =>
    rows
      .map((r) => {
        const o: Record<string, unknown> = { ...map(r) };
        for (const k of drop) delete o[k];
        return JSON.stringify(o, Object.keys(o).sort());
      })
      .sort();
  const times = ['created_at', 'updated_at', 'received_at'];
  return {
    phone_numbers: strip(await db.selectFrom('phone_numbers').selectAll().execute(), times),
    wabas: strip(await db.selectFrom('wabas').selectAll().execute(), times),
    contacts: strip(contacts, ['id', ...times]),
    conversations: strip(convs, ['id', ...times], (r) => ({
      ...r,
      contact_id: contactKey.get(r.contact_id),
    })),
    messages: strip(
      await db.selectFrom('messages').selectAll().execute(),
      // `seq` is the insertion order (like `id`), which differs between delivery orders by design.
      ['id', 'seq', 'webhook_event_id', ...times],
      (r) => ({
        ...r,
        conversation_id: convKey.get(r.conversation_id),
        contact_id: contactKey.get(r.contact_id),
      }),
    ),
    status_events: strip(await db.selectFrom('message_status_events').selectAll().execute(), [
      'id',
      'webhook_event_id',
      ...times,
    ]),
    pending_applies: strip(await db.selectFrom('pending_applies').selectAll().execute(), ['id', ...times]),
    history_chunks: strip(await db.selectFrom('history_chunks').selectAll().execute(), times),
    templates: strip(await db.selectFrom('templates').selectAll().execute(), ['id', ...times]),
    account_events: strip(await db.selectFrom('account_events').selectAll().execute(), ['id', ...times]),
    failures: strip(await db.selectFrom('processing_failures').selectAll().execute(), [
      'id',
      'webhook_event_id',
      ...times,
    ]),
    number_changes: strip(await db.selectFrom('contact_number_changes').selectAll().execute(), [
      'id',
      'contact_id',
    ]),
  };
}

async function deliver(dialect: 'sqlite' | 'postgres', bodies: string[]): Promise<unknown> {
  const database = await createTestDatabase(dialect);
  const h = await createWebhookHarness(database);
  try {
    for (const b of bodies) expect((await h.post(b)).statusCode).toBe(200);
    await h.drain();
    return await canonicalDump(database);
  } finally {
    await h.close();
    await database.destroy();
  }
}

/** As {@link deliver}, but every stored event applied in one batch (one transaction, items together). */
async function deliverAsOneBatch(dialect: 'sqlite' | 'postgres', bodies: string[]): Promise<unknown> {
  const database = await createTestDatabase(dialect);
  const h = await createWebhookHarness(database);
  try {
    for (const b of bodies) expect((await h.post(b)).statusCode).toBe(200);
    const events = await claimPendingEvents(database, {
      nodeId: 'test-node',
      now: h.clock.now(),
      leaseMs: 60_000,
      limit: 10_000,
    });
    expect(events.length).toBe(bodies.length);
    const { outcomes } = await processWebhookEvents(h.deps, events);
    expect(outcomes.every((o) => o.failed === 0)).toBe(true);
    return await canonicalDump(database);
  } finally {
    await h.close();
    await database.destroy();
  }
}

/** As {@link deliver}, but processed by the worker with several transactions at once (small batches, to contend). */
async function deliverConcurrently(dialect: 'sqlite' | 'postgres', bodies: string[]): Promise<unknown> {
  const database = await createTestDatabase(dialect);
  const h = await createWebhookHarness(database);
  try {
    for (const b of bodies) expect((await h.post(b)).statusCode).toBe(200);
    const worker = await startWebhookWorker(h.deps, { parallel: 4, batchSize: 2, pollMs: 10, maxDeferMs: 0 });
    try {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const pending = await database.db
          .selectFrom('webhook_events')
          .select('id')
          .where('state', '=', 'pending')
          .execute();
        if (pending.length === 0) break;
        if (Date.now() > deadline) throw new Error(`${pending.length} events still pending`);
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await worker.stop();
    }
    return await canonicalDump(database);
  } finally {
    await h.close();
    await database.destroy();
  }
}

const RUNS = Number(process.env.COEXIST_IDEMPOTENCY_RUNS ?? 8);

describe.each(testDialects)('idempotent ingestion on %s', (dialect) => {
  let reference: unknown;
  afterAll(() => {
    reference = undefined;
  });

  it('one ordered delivery gives the expected state', async () => {
    reference = await deliver(dialect, payloads());
    const dump = reference as { messages: string[]; status_events: string[] };
    expect(dump.messages.length).toBe(8);
    const echo = dump.messages.map((m) => JSON.parse(m)).find((m) => m.wamid === ECHO_WAMID);
    expect(echo).toMatchObject({ origin: 'business_app', status: 'read', history_status: 'read' });
  });

  it.each(Array.from({ length: RUNS }, (_, i) => 1000 + i))(
    'shuffled, duplicated and batched delivery (seed %i) leaves the same state',
    async (seed) => {
      expect(reference).toBeDefined();
      const dump = await deliver(dialect, plan(seed, payloads()));
      expect(dump).toEqual(reference);
    },
  );

  it.each([3000, 3001, 3002])(
    'applied all together in one batch (seed %i), the delivery leaves the same state',
    async (seed) => {
      expect(reference).toBeDefined();
      const dump = await deliverAsOneBatch(dialect, plan(seed, payloads()));
      expect(dump).toEqual(reference);
    },
  );

  it.each([2000, 2001, 2002])(
    'processed by several concurrent transactions (seed %i), the delivery leaves the same state',
    async (seed) => {
      expect(reference).toBeDefined();
      const dump = await deliverConcurrently(dialect, plan(seed, payloads()));
      expect(dump).toEqual(reference);
    },
  );
});
