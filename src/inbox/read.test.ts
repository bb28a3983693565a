import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../testing/databases.ts';
import { type OutboundEnv, PNID, startOutboundEnv } from '../testing/sandbox-env.ts';

describe.each(testDialects)('an agent opening a conversation (%s)', (dialect) => {
  let env: OutboundEnv;
  beforeAll(async () => {
    env = await startOutboundEnv(dialect);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('clears the unread count and sends Meta a read receipt for the newest customer message', async () => {
    await env.customerWrites('16505550111', 'first');
    await env.customerWrites('16505550111', 'second');
    const conversation = await env.waitFor(async () => {
      const list = await env.api('GET', '/api/conversations?q=16505550111');
      const c = list.body.data[0];
      return c?.unread_count === 2 ? c : null;
    }, 'two unread messages');
    const newest = await env.db.db
      .selectFrom('messages')
      .select('wamid')
      .where('conversation_id', '=', conversation.id)
      .orderBy('timestamp', 'desc')
      .orderBy('received_at', 'desc')
      .executeTakeFirstOrThrow();

    const before = (await env.sandbox.control.requests()).data.length;
    const read = await env.api('POST', `/api/conversations/${conversation.id}/read`);
    expect(read.status).toBe(200);
    expect(read.body.unread_count).toBe(0);
    expect(read.body.read_receipt.sent).toBe(true);

    const after = await env.api('GET', `/api/conversations/${conversation.id}`);
    expect(after.body.unread_count).toBe(0);
    const sent = (await env.sandbox.control.requests()).data.slice(before);
    const receipts = sent.filter((r) => JSON.stringify(r).includes('"status":"read"'));
    expect(receipts).toHaveLength(1);
    expect(JSON.stringify(receipts[0])).toContain(PNID);
    expect(read.body.read_receipt.wamid).toBeTruthy();
    expect([newest.wamid]).toContain(read.body.read_receipt.wamid);
  });

  it('sends no second receipt when nothing new arrived', async () => {
    const list = await env.api('GET', '/api/conversations?q=16505550111');
    const before = (await env.sandbox.control.requests()).data.length;
    const again = await env.api('POST', `/api/conversations/${list.body.data[0].id}/read`);
    expect(again.status).toBe(200);
    expect(again.body.read_receipt.sent).toBe(false);
    expect((await env.sandbox.control.requests()).data.length).toBe(before);
  });

  it('answers 404 for a conversation that does not exist', async () => {
    const res = await env.api('POST', '/api/conversations/nope/read');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});
