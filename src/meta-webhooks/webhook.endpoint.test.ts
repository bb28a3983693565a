import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../testing/databases.ts';
import { VERIFY_TOKEN } from '../testing/test-app.ts';
import { createWebhookHarness, envelope, fixture, type WebhookHarness } from '../testing/webhook-harness.ts';
import { retryFailure } from './webhook.processor.ts';

const PN = '106540352242922';
const META = { display_phone_number: '15550783881', phone_number_id: PN };
const HOUR = 3_600_000;

const inbound = (wamid: string, ts: number, extra: Record<string, unknown> = {}) => ({
  from: '16505551234',
  id: wamid,
  timestamp: String(ts),
  type: 'text',
  text: { body: `hello ${wamid}` },
  ...extra,
});
const messagesValue = (v: Record<string, unknown>) => ({
  messaging_product: 'whatsapp',
  metadata: META,
  ...v,
});

describe.each(testDialects)('webhook endpoint on %s', (dialect) => {
  let database: TestDatabase;
  let h: WebhookHarness;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    h = await createWebhookHarness(database);
  });
  afterAll(async () => {
    await h.close();
    await database.destroy();
  });
  beforeEach(async () => {
    for (const t of [
      'messages',
      'conversations',
      'contacts',
      'phone_numbers',
      'wabas',
      'webhook_events',
      'webhook_items',
      'processing_failures',
      'message_status_events',
      'pending_applies',
      'domain_events',
    ] as const) {
      await database.db.deleteFrom(t).execute();
    }
  });

  const db = () => database.db;
  const count = async (t: 'webhook_events' | 'messages' | 'processing_failures') =>
    Number(
      (
        await db()
          .selectFrom(t)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('answers the verify handshake with the raw challenge, and 403 otherwise', async () => {
    const ok = await h.app.inject({
      method: 'GET',
      url: `/webhooks/meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${VERIFY_TOKEN}`,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('1158201444');
    expect(ok.headers['content-type']).toMatch(/^text\/plain/);
    const wrong = await h.app.inject({
      method: 'GET',
      url: '/webhooks/meta?hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope',
    });
    expect(wrong.statusCode).toBe(403);
    const mode = await h.app.inject({
      method: 'GET',
      url: `/webhooks/meta?hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=${VERIFY_TOKEN}`,
    });
    expect(mode.statusCode).toBe(403);
  });

  it('refuses a wrong or missing signature with 401 and stores nothing', async () => {
    const body = fixture('messages_text.json');
    const wrong = await h.post(body, `sha256=${'0'.repeat(64)}`);
    expect(wrong.statusCode).toBe(401);
    expect(JSON.parse(wrong.body).error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    expect((await h.post(body, null)).statusCode).toBe(401);
    expect((await h.post(body, 'sha256=abc')).statusCode).toBe(401);
    // A signature over re-serialized JSON does not match the exact bytes.
    const { signBody } = await import('./webhook.endpoint.ts');
    const reserialized = signBody('sandbox-app-secret', JSON.stringify(JSON.parse(body.toString())));
    expect((await h.post(body, reserialized)).statusCode).toBe(401);
    expect(await count('webhook_events')).toBe(0);
  });

  it('stores a correctly signed non-JSON body, answers 200 and records a visible failure', async () => {
    const res = await h.post(
      '{"object": "whatsapp_business_account", "entry": [ {"type": "text" "id": 1} ]}',
    );
    expect(res.statusCode).toBe(200);
    expect(await count('webhook_events')).toBe(1);
    await h.drain();
    const failures = await db().selectFrom('processing_failures').selectAll().execute();
    expect(failures).toEqual([expect.objectContaining({ code: 'WEBHOOK_UNPARSABLE', resolved_at: null })]);
    const event = await db().selectFrom('webhook_events').selectAll().executeTakeFirstOrThrow();
    expect(event.state).toBe('failed');
    expect((await h.post('[1,2,3]')).statusCode).toBe(200);
    await h.drain();
    const codes = (await db().selectFrom('processing_failures').select('code').execute()).map((f) => f.code);
    expect(codes.sort()).toEqual(['WEBHOOK_SHAPE_INVALID', 'WEBHOOK_UNPARSABLE']);
    const types = (await db().selectFrom('domain_events').select('type').execute()).map((e) => e.type);
    expect(types).toEqual(['failure.recorded', 'failure.recorded']);
  });

  it('processes every item of a batch on its own: a bad item is a failure, the others apply', async () => {
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: messagesValue({
                contacts: [{ profile: { name: 'Ana' }, wa_id: '16505551234' }],
                messages: [
                  inbound('wamid.B1', 1_750_000_000),
                  inbound('wamid.BAD', 1_750_000_001, { type: 'reaction', reaction: { emoji: 'x' } }),
                  inbound('wamid.B2', 1_750_000_002, { type: 'hologram', hologram: { x: 1 } }),
                ],
                statuses: [
                  { id: 'wamid.OUT1', status: 'sent', timestamp: '1750000003', recipient_id: '16505551234' },
                ],
              }),
            },
            { field: 'calls', value: { calls: [{ id: 'c1' }] } },
          ],
        },
        {
          id: '102290129340398',
          changes: [
            { field: 'messages', value: messagesValue({ messages: [inbound('wamid.B3', 1_750_000_004)] }) },
          ],
        },
      ],
    });
    expect((await h.post(body)).statusCode).toBe(200);
    const [outcome] = await h.drain();
    expect(outcome).toEqual({ applied: 4, duplicates: 0, failed: 2 });
    const wamids = await db().selectFrom('messages').select(['wamid', 'type']).orderBy('wamid').execute();
    expect(wamids).toEqual([
      { wamid: 'wamid.B1', type: 'text' },
      { wamid: 'wamid.B2', type: 'unsupported' },
      { wamid: 'wamid.B3', type: 'text' },
    ]);
    const failures = await db().selectFrom('processing_failures').selectAll().orderBy('code').execute();
    expect(failures.map((f) => [f.code, f.item_path])).toEqual([
      ['ITEM_PROCESSING_FAILED', 'entry[0].changes[0].value.messages[1]'],
      ['UNSUPPORTED_FIELD', 'entry[0].changes[1].value'],
    ]);
    const conv = await db().selectFrom('conversations').selectAll().executeTakeFirstOrThrow();
    expect(conv.unread_count).toBe(3);
    expect(conv.window_expires_at).toBe(1_750_000_004_000 + 24 * HOUR);
  });

  it('applies a duplicated delivery once', async () => {
    const body = envelope('messages', messagesValue({ messages: [inbound('wamid.D1', 1_750_000_000)] }));
    for (let i = 0; i < 3; i++) expect((await h.post(body)).statusCode).toBe(200);
    const outcomes = await h.drain();
    expect(outcomes.map((o) => o.applied)).toEqual([1, 0, 0]);
    expect(outcomes.map((o) => o.duplicates)).toEqual([0, 1, 1]);
    expect(await count('messages')).toBe(1);
    expect(
      (await db().selectFrom('conversations').select('unread_count').executeTakeFirstOrThrow()).unread_count,
    ).toBe(1);
  });

  it('moves statuses forward only, keeps early statuses, and finds a message by biz_opaque_callback_data', async () => {
    const status = (id: string, s: string, ts: number, extra: Record<string, unknown> = {}) =>
      envelope(
        'messages',
        messagesValue({
          statuses: [{ id, status: s, timestamp: String(ts), recipient_id: '16505551234', ...extra }],
        }),
      );
    await h.post(envelope('messages', messagesValue({ messages: [inbound('wamid.IN', 1_750_000_000)] })));
    await h.drain();
    const conv = await db().selectFrom('conversations').selectAll().executeTakeFirstOrThrow();
    // An outbound message the outbound engine created and has not got a wamid for yet.
    await db()
      .insertInto('messages')
      .values({
        id: 'our-message-1',
        phone_number_id: PN,
        conversation_id: conv.id,
        contact_id: conv.contact_id,
        wamid: null,
        direction: 'outbound',
        origin: 'agent',
        author_user_id: null,
        type: 'text',
        content_json: '{"body":"hi"}',
        edited_content_json: null,
        edited_at: null,
        deleted_at: null,
        context_wamid: null,
        context_json: null,
        referral_json: null,
        errors_json: null,
        timestamp: 1_750_000_010_000,
        received_at: 1_750_000_010_000,
        status: 'sending',
        status_at: null,
        error_json: null,
        pricing_json: null,
        history_status: null,
        biz_opaque_callback_data: 'our-message-1',
        webhook_event_id: null,
      })
      .execute();
    await h.post(status('wamid.OUT', 'read', 1_750_000_030));
    await h.post(
      status('wamid.OUT', 'delivered', 1_750_000_020, {
        biz_opaque_callback_data: 'our-message-1',
        pricing: { billable: true, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' },
      }),
    );
    await h.post(status('wamid.OUT', 'sent', 1_750_000_011));
    await h.drain();
    const m = await db()
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', 'our-message-1')
      .executeTakeFirstOrThrow();
    expect(m).toMatchObject({ wamid: 'wamid.OUT', status: 'read', status_at: 1_750_000_030_000 });
    expect(JSON.parse(m.pricing_json ?? '{}')).toMatchObject({ type: 'free_customer_service' });
    const events = await db().selectFrom('message_status_events').select('applied').execute();
    expect(events.map((e) => e.applied)).toEqual([1, 1, 1]);
  });

  it('never opens the window from echoes or history, and opens a free-entry-point window on referrals', async () => {
    await h.post(
      envelope(
        'smb_message_echoes',
        messagesValue({
          message_echoes: [
            {
              from: '15550783881',
              to: '16505551234',
              id: 'wamid.E1',
              timestamp: '1750000100',
              type: 'text',
              text: { body: 'from the phone' },
            },
          ],
        }),
      ),
    );
    await h.post(fixture('history.json'));
    await h.drain();
    let conv = await db()
      .selectFrom('conversations')
      .selectAll()
      .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
      .where('contacts.wa_id', '=', '16505551234')
      .executeTakeFirstOrThrow();
    expect(conv).toMatchObject({
      window_expires_at: null,
      unread_count: 0,
      last_message_preview: 'from the phone',
    });
    await h.post(
      envelope(
        'messages',
        messagesValue({
          messages: [
            inbound('wamid.R1', 1_750_000_200, {
              referral: { source_type: 'ad', source_id: '1', ctwa_clid: 'x' },
            }),
          ],
        }),
      ),
    );
    await h.drain();
    conv = await db()
      .selectFrom('conversations')
      .selectAll()
      .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
      .where('contacts.wa_id', '=', '16505551234')
      .executeTakeFirstOrThrow();
    expect(conv).toMatchObject({
      window_expires_at: 1_750_000_200_000 + 24 * HOUR,
      fep_expires_at: 1_750_000_200_000 + 72 * HOUR,
      unread_count: 1,
      last_message_preview: 'hello wamid.R1',
    });
  });

  it('applies user edits and revokes to the original message, whichever arrives first', async () => {
    await h.post(
      envelope(
        'messages',
        messagesValue({
          messages: [
            inbound('wamid.EDIT', 1_750_000_002, {
              type: 'edit',
              edit: { original_message_id: 'wamid.ORIG', message: { type: 'text', text: { body: 'fixed' } } },
            }),
          ],
        }),
      ),
    );
    await h.post(envelope('messages', messagesValue({ messages: [inbound('wamid.ORIG', 1_750_000_000)] })));
    await h.post(
      envelope(
        'messages',
        messagesValue({
          messages: [
            inbound('wamid.DEL', 1_750_000_003, {
              type: 'revoke',
              revoke: { original_message_id: 'wamid.ORIG' },
            }),
          ],
        }),
      ),
    );
    await h.drain();
    const m = await db()
      .selectFrom('messages')
      .selectAll()
      .where('wamid', '=', 'wamid.ORIG')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(m.content_json)).toEqual({ body: 'hello wamid.ORIG' });
    expect(JSON.parse(m.edited_content_json ?? '{}')).toEqual({ body: 'fixed' });
    expect(m).toMatchObject({ edited_at: 1_750_000_002_000, deleted_at: 1_750_000_003_000 });
    expect(await count('messages')).toBe(1);
  });

  it('retries a failure from the stored raw body', async () => {
    await h.post(
      envelope(
        'smb_app_state_sync',
        messagesValue({
          state_sync: [
            {
              type: 'contact',
              contact: { phone_number: '16505550000' },
              action: 'archive',
              metadata: { timestamp: '1750000000' },
            },
          ],
        }),
      ),
    );
    const ok = envelope('messages', messagesValue({ messages: [inbound('wamid.T1', 1_750_000_000)] }));
    await h.post(ok);
    await h.drain();
    const [failure] = await db().selectFrom('processing_failures').selectAll().execute();
    expect(failure?.code).toBe('ITEM_PROCESSING_FAILED');
    const again = await retryFailure(h.deps, failure?.id ?? '');
    expect(again.resolved).toBe(false);
    expect(
      (await db().selectFrom('processing_failures').selectAll().executeTakeFirstOrThrow()).retry_count,
    ).toBe(1);
    // A failure whose cause went away (say, the database was briefly unavailable) resolves on retry.
    await db().deleteFrom('messages').execute();
    await db().deleteFrom('webhook_items').where('dedup_key', 'like', 'm:%').execute();
    const event = await db()
      .selectFrom('webhook_events')
      .select('id')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    await db()
      .insertInto('processing_failures')
      .values({
        id: 'f-transient',
        webhook_event_id: event.id,
        item_path: 'entry[0].changes[0].value.messages[0]',
        field: 'messages',
        code: 'ITEM_PROCESSING_FAILED',
        message: 'database unavailable',
        item_json: null,
        created_at: 1,
        resolved_at: null,
      })
      .execute();
    expect((await retryFailure(h.deps, 'f-transient')).resolved).toBe(true);
    expect(await count('messages')).toBe(1);
    await expect(retryFailure(h.deps, 'f-transient')).rejects.toMatchObject({
      code: 'FAILURE_NOT_RETRYABLE',
    });
  });
});
