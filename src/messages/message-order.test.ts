import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../auth/api-tokens.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../testing/databases.ts';
import { createWebhookHarness, envelope, type WebhookHarness } from '../testing/webhook-harness.ts';

const FROM = '16505551234';

function textMessage(wamid: string, body: string): string {
  return envelope('messages', {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
    contacts: [{ profile: { name: 'Same Second' }, wa_id: FROM }],
    // One second for all: Meta's timestamps have whole seconds, and the hub's clock stands still.
    messages: [{ from: FROM, id: wamid, timestamp: '1750000000', type: 'text', text: { body } }],
  });
}

describe.each(testDialects)('messages of the same millisecond on %s', (dialect) => {
  let database: TestDatabase;
  let harness: WebhookHarness;
  let token: string;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    harness = await createWebhookHarness(database);
    ({ token } = await createApiToken(database.db, { name: 'order', role: 'admin', now: Date.now() }));
    // Stored in this order; the wamids sort the other way, so no accidental key agrees by luck.
    for (const [wamid, body] of [
      ['wamid.ORDER_C', 'first'],
      ['wamid.ORDER_B', 'second'],
      ['wamid.ORDER_A', 'third'],
    ]) {
      expect((await harness.post(textMessage(wamid as string, body as string))).statusCode).toBe(200);
      await harness.drain();
    }
  });

  afterAll(async () => {
    await harness.close();
    await database.destroy();
  });

  const get = async (url: string) => {
    const res = await harness.app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: the test reads loosely typed API answers.
    return res.json() as any;
  };

  it('shares one time and keeps the order they were stored in', async () => {
    const rows = await database.db.selectFrom('messages').select(['timestamp', 'received_at']).execute();
    expect(new Set(rows.map((r) => r.timestamp)).size).toBe(1);
    expect(new Set(rows.map((r) => r.received_at)).size).toBe(1);
  });

  it('shows the same newest message in the conversation preview and at the top of the message list', async () => {
    const conversations = await get('/api/conversations');
    expect(conversations.data).toHaveLength(1);
    const conversation = conversations.data[0];
    const messages = await get(`/api/conversations/${conversation.id}/messages`);
    const bodies = messages.data.map((m: { content: { body: string } }) => m.content.body);
    expect(bodies).toEqual(['third', 'second', 'first']);
    expect(conversation.last_message_preview).toBe('third');
  });

  it('pages through them one at a time without overlap or gap', async () => {
    const [conversation] = (await get('/api/conversations')).data;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await get(`/api/conversations/${conversation.id}/messages?limit=1${query}`);
      seen.push(...page.data.map((m: { content: { body: string } }) => m.content.body));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(['third', 'second', 'first']);
  });
});
