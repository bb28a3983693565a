import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IMPORTED_OPEN_WITHIN_MS } from '../messages/history.processor.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../testing/databases.ts';
import { createWebhookHarness, envelope, type WebhookHarness } from '../testing/webhook-harness.ts';

const PN = '106540352242922';
const BUSINESS = '15550783881';
const HOUR = 3_600_000;
const META = { display_phone_number: BUSINESS, phone_number_id: PN };

type Msg = { from: string; id: string; at: number; text: string };

/** A history webhook with one chunk of `threads` (thread id = the customer's number). */
function historyChunk(chunkOrder: number, threads: Record<string, Msg[]>): string {
  return envelope('history', {
    messaging_product: 'whatsapp',
    metadata: META,
    history: [
      {
        metadata: { phase: 0, chunk_order: chunkOrder, progress: 10 * chunkOrder },
        threads: Object.entries(threads).map(([id, messages]) => ({
          id,
          messages: messages.map((m) => ({
            from: m.from,
            id: m.id,
            timestamp: String(Math.floor(m.at / 1000)),
            type: 'text',
            text: { body: m.text },
            history_context: { status: 'READ' },
          })),
        })),
      },
    ],
  });
}

function liveText(from: string, id: string, at: number, body: string): string {
  return envelope('messages', {
    messaging_product: 'whatsapp',
    metadata: META,
    contacts: [{ profile: { name: 'Live' }, wa_id: from }],
    messages: [{ from, id, timestamp: String(Math.floor(at / 1000)), type: 'text', text: { body } }],
  });
}

describe.each(testDialects)('conversations created by the history import on %s', (dialect) => {
  let database: TestDatabase;
  let h: WebhookHarness;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    h = await createWebhookHarness(database);
  });
  afterEach(async () => {
    await h.close();
    await database.destroy();
  });

  const ingest = async (body: string) => {
    expect((await h.post(body)).statusCode).toBe(200);
    const outcomes = await h.drain();
    expect(outcomes.reduce((n, o) => n + o.failed, 0)).toBe(0);
  };
  const conversationOf = async (waId: string) => {
    const contact = await database.db
      .selectFrom('contacts')
      .selectAll()
      .where('wa_id', '=', waId)
      .executeTakeFirstOrThrow();
    const conversation = await database.db
      .selectFrom('conversations')
      .selectAll()
      .where('contact_id', '=', contact.id)
      .executeTakeFirstOrThrow();
    return { contact, conversation };
  };
  const sec = (ms: number) => Math.floor(ms / 1000) * 1000;

  it('get their last message as preview and time, a status by the documented rule, and the first message as "since"', async () => {
    const now = h.clock.now();
    // A: the customer wrote two hours ago and nobody answered → open.
    // B: the customer wrote three days ago → resolved.
    // C: the customer wrote an hour ago and the owner answered → resolved.
    await ingest(
      historyChunk(1, {
        '34600000001': [
          { from: '34600000001', id: 'wamid.A1', at: now - 30 * 24 * HOUR, text: 'first of A' },
          { from: BUSINESS, id: 'wamid.A2', at: now - 5 * HOUR, text: 'owner to A' },
          { from: '34600000001', id: 'wamid.A3', at: now - 2 * HOUR, text: '¿Seguís abiertos?' },
        ],
        '34600000002': [{ from: '34600000002', id: 'wamid.B1', at: now - 72 * HOUR, text: 'old question' }],
        '34600000003': [
          { from: '34600000003', id: 'wamid.C1', at: now - HOUR, text: 'question of C' },
          { from: BUSINESS, id: 'wamid.C2', at: now - HOUR / 2, text: 'answer to C' },
        ],
      }),
    );
    const a = await conversationOf('34600000001');
    expect(a.conversation).toMatchObject({
      status: 'open',
      last_message_at: sec(now - 2 * HOUR),
      last_message_preview: '¿Seguís abiertos?',
      unread_count: 0,
      window_expires_at: null,
    });
    expect(a.contact.created_at).toBe(sec(now - 30 * 24 * HOUR));
    const b = await conversationOf('34600000002');
    expect(b.conversation).toMatchObject({ status: 'resolved', last_message_preview: 'old question' });
    expect(b.contact.created_at).toBe(sec(now - 72 * HOUR));
    const c = await conversationOf('34600000003');
    expect(c.conversation).toMatchObject({ status: 'resolved', last_message_preview: 'answer to C' });

    // A later chunk with older messages lowers A's "since" and leaves its summary alone; one with a
    // newer unanswered customer message reopens B, still known only from the import.
    await ingest(
      historyChunk(2, {
        '34600000001': [{ from: '34600000001', id: 'wamid.A0', at: now - 90 * 24 * HOUR, text: 'oldest' }],
        '34600000002': [{ from: '34600000002', id: 'wamid.B2', at: now - 10 * 60_000, text: 'anyone?' }],
      }),
    );
    const a2 = await conversationOf('34600000001');
    expect(a2.contact.created_at).toBe(sec(now - 90 * 24 * HOUR));
    expect(a2.conversation).toMatchObject({ status: 'open', last_message_preview: '¿Seguís abiertos?' });
    const b2 = await conversationOf('34600000002');
    expect(b2.conversation).toMatchObject({ status: 'open', last_message_preview: 'anyone?' });

    // A live customer message reopens the resolved C, counts unread and opens the window.
    await ingest(liveText('34600000003', 'wamid.C3', now, 'one more thing'));
    const c2 = await conversationOf('34600000003');
    expect(c2.conversation).toMatchObject({
      status: 'open',
      unread_count: 1,
      last_message_preview: 'one more thing',
    });
    expect(c2.conversation.window_expires_at).not.toBeNull();
    const reopened = await database.db
      .selectFrom('domain_events')
      .select('fact')
      .where('fact', '=', 'conversation.reopened')
      .execute();
    expect(reopened).toHaveLength(1);
  });

  it('keeps a recent customer message open only within the documented age, and never touches a conversation someone works on', async () => {
    const now = h.clock.now();
    await ingest(
      historyChunk(1, {
        '34600000004': [
          {
            from: '34600000004',
            id: 'wamid.D1',
            at: now - IMPORTED_OPEN_WITHIN_MS + 60_000,
            text: 'just in',
          },
        ],
        '34600000005': [
          {
            from: '34600000005',
            id: 'wamid.E1',
            at: now - IMPORTED_OPEN_WITHIN_MS - 60_000,
            text: 'too old',
          },
        ],
      }),
    );
    expect((await conversationOf('34600000004')).conversation.status).toBe('open');
    const e = await conversationOf('34600000005');
    expect(e.conversation.status).toBe('resolved');
    // An operator takes E: a newer imported message no longer decides its status.
    await database.db
      .updateTable('conversations')
      .set({ status: 'pending', assignee_user_id: 'someone' })
      .where('id', '=', e.conversation.id)
      .execute();
    await ingest(
      historyChunk(2, {
        '34600000005': [{ from: BUSINESS, id: 'wamid.E2', at: now - 60_000, text: 'owner answered' }],
      }),
    );
    expect((await conversationOf('34600000005')).conversation).toMatchObject({
      status: 'pending',
      last_message_preview: 'owner answered',
    });
  });
});
