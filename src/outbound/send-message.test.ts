import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../testing/databases.ts';
import { type OutboundEnv, PNID, startOutboundEnv } from '../testing/sandbox-env.ts';

describe.each(testDialects)('sending through the sandbox (%s)', (dialect) => {
  let env: OutboundEnv;
  beforeAll(async () => {
    // The image below links to a placeholder nobody serves; the sandbox would fetch it and fail it (131053).
    env = await startOutboundEnv(dialect, { sandbox: { mediaLinks: 'accept' } });
  });
  afterAll(async () => {
    await env?.close();
  });

  const sandboxSends = async () =>
    Object.values(env.sandbox.world.messages).filter((m) => m.direction === 'out' && m.outbound !== null);

  it('sends a text with our message id as callback data; statuses move it to delivered', async () => {
    await env.customerWrites('16505551234');
    const res = await env.api('POST', '/api/messages', {
      phone_number_id: PNID,
      to: '+1 650 555 1234',
      type: 'text',
      text: { body: 'Hi, see https://example.com', preview_url: true },
    });
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('queued');
    expect(res.body.origin).toBe('api');
    const id = res.body.id as string;
    const sent = await env.waitFor(async () => {
      const m = await env.api('GET', `/api/messages/${id}`);
      return m.body.wamid && ['delivered', 'read'].includes(m.body.status) ? m.body : null;
    }, 'delivered');
    const onMeta = (await sandboxSends()).filter((m) => m.outbound?.bizOpaque === id);
    expect(onMeta).toHaveLength(1);
    expect(onMeta[0]?.id).toBe(sent.wamid);
    expect(onMeta[0]?.content).toMatchObject({ body: 'Hi, see https://example.com', preview_url: true });
  });

  it('keeps the order per recipient and sends every type the API accepts', async () => {
    const conv = await env.db.db
      .selectFrom('conversations')
      .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
      .select('conversations.id')
      .where('contacts.wa_id', '=', '16505551234')
      .executeTakeFirstOrThrow();
    const inbound = await env.db.db
      .selectFrom('messages')
      .select(['id', 'wamid'])
      .where('conversation_id', '=', conv.id)
      .where('direction', '=', 'inbound')
      .executeTakeFirstOrThrow();
    const bodies: Record<string, unknown>[] = [
      { type: 'text', text: { body: 'one' }, reply_to: inbound.id },
      { type: 'image', image: { link: 'https://example.com/a.png', caption: 'pic' } },
      { type: 'location', location: { latitude: 40.4, longitude: -3.7, name: 'Office' } },
      {
        type: 'contacts',
        contacts: [{ name: { formatted_name: 'Ana Ruiz' }, phones: [{ phone: '+34600000000' }] }],
      },
      { type: 'reaction', reaction: { message_id: inbound.id, emoji: '👍' } },
      {
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'Pick one' },
          action: {
            buttons: [
              { type: 'reply', reply: { id: 'a', title: 'A' } },
              { type: 'reply', reply: { id: 'b', title: 'B' } },
            ],
          },
        },
      },
      {
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: 'Menu' },
          action: {
            button: 'Open',
            sections: [
              {
                rows: [
                  { id: 'r1', title: 'Row 1' },
                  { id: 'r2', title: 'Row 2' },
                ],
              },
            ],
          },
        },
      },
      { type: 'template', template: { name: 'hello_world', language: 'en_US' } },
      { type: 'text', text: { body: 'last' } },
    ];
    const ids: string[] = [];
    for (const b of bodies) {
      const res = await env.api('POST', '/api/messages', { conversation_id: conv.id, ...b });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      ids.push(res.body.id);
    }
    await env.waitFor(
      async () => {
        const rows = await env.db.db
          .selectFrom('messages')
          .select(['status'])
          .where('id', 'in', ids)
          .execute();
        return rows.every((r) => ['sent', 'delivered', 'read'].includes(r.status));
      },
      'all sent',
      110_000,
    );
    const onMeta = (await sandboxSends()).filter((m) => ids.includes(m.outbound?.bizOpaque ?? ''));
    onMeta.sort((a, b) => a.timestamp - b.timestamp || 0);
    // The sandbox records sends in arrival order; ours arrive in queue order.
    const arrival = Object.values(env.sandbox.world.messages)
      .filter((m) => ids.includes(m.outbound?.bizOpaque ?? ''))
      .map((m) => m.outbound?.bizOpaque);
    expect(arrival).toEqual(ids);
    expect(onMeta.map((m) => m.type)).toEqual([
      'text',
      'image',
      'location',
      'contacts',
      'reaction',
      'interactive',
      'interactive',
      'template',
      'text',
    ]);
    const quoted = onMeta[0];
    expect(quoted?.context).toMatchObject({ message_id: inbound.wamid });
  }, 120_000);

  it('marks a received message as read with the typing indicator', async () => {
    const inbound = await env.db.db
      .selectFrom('messages')
      .select(['id'])
      .where('direction', '=', 'inbound')
      .executeTakeFirstOrThrow();
    const res = await env.api('POST', `/api/messages/${inbound.id}/read`, { typing: true });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, typing: true });
    const reqs = (await env.sandbox.control.requests()).data;
    expect(reqs.some((r) => JSON.stringify(r).includes('typing_indicator'))).toBe(true);
  });
});

describe.each(testDialects)('pair limit across separate requests (%s)', (dialect) => {
  it('spaces messages to one recipient even when each is sent before the next is queued', async () => {
    const env = await startOutboundEnv(dialect);
    try {
      await env.customerWrites('16505551234');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await env.api('POST', '/api/messages', {
          phone_number_id: PNID,
          to: '16505551234',
          type: 'text',
          text: { body: `n${i}` },
        });
        ids.push(res.body.id);
        await env.waitFor(
          async () => {
            const m = await env.db.db
              .selectFrom('messages')
              .select('status')
              .where('id', '=', res.body.id)
              .executeTakeFirstOrThrow();
            return m.status !== 'queued' && m.status !== 'sending' ? m : null;
          },
          'sent',
          30_000,
        );
      }
      const jobs = await env.db.db
        .selectFrom('outbox_jobs')
        .select(['last_error_json'])
        .where('message_id', 'in', ids)
        .execute();
      expect(jobs.filter((j) => j.last_error_json?.includes('131056'))).toEqual([]);
      const times = Object.values(env.sandbox.world.messages)
        .filter((m) => ids.includes(m.outbound?.bizOpaque ?? ''))
        .map((m) => m.timestamp);
      expect(times).toHaveLength(5);
      // Three at once (our burst), then one every 6 s.
      expect((times[4] as number) - (times[0] as number)).toBeGreaterThanOrEqual(2 * 6000 - 100);
    } finally {
      await env.close();
    }
  }, 60_000);
});
