import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../testing/databases.ts';
import { type FaultProxy, startFaultProxy } from '../testing/fault-proxy.ts';
import { type OutboundEnv, PNID, startOutboundEnv } from '../testing/sandbox-env.ts';

const HELLO = {
  phone_number_id: PNID,
  type: 'template',
  template: { name: 'hello_world', language: 'en_US' },
};

/** An HTTP proxy that lets Meta take each send but loses the answer (a 502 instead). */
async function answerLosingProxy(target: () => string): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const upstream = await fetch(`${target()}${req.url}`, {
      method: req.method,
      headers: Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k)),
      ) as Record<string, string>,
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    const text = await upstream.text();
    if (req.method === 'POST' && /\/messages$/.test(req.url ?? '')) {
      res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway');
      return;
    }
    res
      .writeHead(upstream.status, {
        'content-type': upstream.headers.get('content-type') ?? 'application/json',
      })
      .end(text);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

describe.each(testDialects)('unknown sends (%s)', (dialect) => {
  let env: OutboundEnv | undefined;
  let proxy: FaultProxy | undefined;
  let http: Server | undefined;
  afterEach(async () => {
    await env?.close();
    await proxy?.close();
    http?.close();
    env = undefined;
    proxy = undefined;
    http = undefined;
  });

  const sendsOf = (id: string) =>
    Object.values(env!.sandbox.world.messages).filter((m) => m.outbound?.bizOpaque === id).length;
  const statusOf = async (id: string) =>
    env!.db.db
      .selectFrom('messages')
      .select(['status', 'error_json'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  it('after a frozen Cloud API: listed, alerted, resolvable in bulk; the recipient’s next message waits', async () => {
    env = await startOutboundEnv(dialect, {
      graphUrl: async (url) => {
        const u = new URL(url);
        proxy = await startFaultProxy({ target: { host: u.hostname, port: Number(u.port) } });
        return `http://${proxy.address}`;
      },
    });
    const e = env;
    const p = proxy as FaultProxy;
    await p.setMode('blackhole');
    const a1 = (await e.api('POST', '/api/messages', { ...HELLO, to: '16505550001' })).body.id;
    const a2 = (await e.api('POST', '/api/messages', { ...HELLO, to: '16505550001' })).body.id;
    const b1 = (await e.api('POST', '/api/messages', { ...HELLO, to: '16505550002' })).body.id;
    // The sends hang until the Graph client's timeout: neither accepted nor refused.
    await e.waitFor(
      async () => (await statusOf(a1)).status === 'unknown' && (await statusOf(b1)).status === 'unknown',
      'both sends unknown',
      40_000,
    );
    expect(p.droppedBytes()).toBeGreaterThan(0);
    await p.setMode('pass');

    const alert = await e.waitFor(async () => {
      const res = await e.api('GET', '/api/alerts?status=open');
      return res.body.data.find((x: { code: string }) => x.code === 'SEND_OUTCOME_UNKNOWN');
    }, 'the unknown-sends alert');
    expect(alert.phone_number_id).toBe(PNID);

    const list = await e.api('GET', `/api/messages/unknown?phone_number_id=${PNID}`);
    expect(list.status).toBe(200);
    const byId = new Map(list.body.data.map((u: { message: { id: string } }) => [u.message.id, u]));
    expect([...byId.keys()].sort()).toEqual([a1, b1].sort());
    expect(byId.get(a1)).toMatchObject({ waiting: 1, recipient: { wa_id: '16505550001' } });
    expect(byId.get(b1)).toMatchObject({ waiting: 0 });
    const onlyA = await e.api(
      'GET',
      `/api/messages/unknown?contact_id=${list.body.data[0].message.contact_id}`,
    );
    expect(onlyA.body.data).toHaveLength(1);
    const page = await e.api('GET', '/api/messages/unknown?limit=1');
    expect(page.body.data).toHaveLength(1);
    expect(page.body.next_cursor).not.toBeNull();
    const page2 = await e.api('GET', `/api/messages/unknown?limit=1&cursor=${page.body.next_cursor}`);
    expect(page2.body.data[0].message.id).not.toBe(page.body.data[0].message.id);
    expect((await e.api('GET', '/api/messages/unknown?since=yesterday')).status).toBe(400);

    // Meta is back, but A's next message waits behind the unknown one (no gap for the customer).
    await new Promise((r) => setTimeout(r, 1500));
    expect((await statusOf(a2)).status).toBe('queued');
    expect(sendsOf(a2)).toBe(0);

    const resolved = await e.api('POST', '/api/messages/resolve', {
      items: [
        { id: a1, outcome: 'retry' },
        { id: b1, outcome: 'failed' },
        { id: a2, outcome: 'sent' },
        { id: 'no-such-message', outcome: 'sent' },
      ],
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body.results).toEqual([
      { id: a1, ok: true, status: 'queued' },
      { id: b1, ok: true, status: 'failed' },
      { id: a2, ok: false, error: expect.objectContaining({ code: 'SEND_NOT_UNKNOWN', status: 'queued' }) },
      { id: 'no-such-message', ok: false, error: expect.objectContaining({ code: 'NOT_FOUND' }) },
    ]);
    await e.waitFor(
      async () =>
        ['sent', 'delivered', 'read'].includes((await statusOf(a1)).status) &&
        ['sent', 'delivered', 'read'].includes((await statusOf(a2)).status),
      'A’s messages sent',
    );
    expect([sendsOf(a1), sendsOf(a2), sendsOf(b1)]).toEqual([1, 1, 0]);
    const order = Object.values(e.sandbox.world.messages)
      .map((m) => m.outbound?.bizOpaque)
      .filter((id) => id === a1 || id === a2);
    expect(order).toEqual([a1, a2]);
    expect((await e.api('GET', '/api/messages/unknown')).body.data).toEqual([]);
    const cleared = await e.api('GET', '/api/alerts?status=resolved');
    expect(cleared.body.data.find((x: { id: string }) => x.id === alert.id)?.resolved_by).toBe('system');
  }, 90_000);

  it('clears the outcome-unknown error when a late status proves the send', async () => {
    let target = '';
    const p = await answerLosingProxy(() => target);
    http = p.server;
    env = await startOutboundEnv(dialect, {
      graphUrl: (u) => {
        target = u;
        return p.url;
      },
    });
    const e = env;
    const id = (await e.api('POST', '/api/messages', { ...HELLO, to: '16505551234' })).body.id;
    // The answer was lost: the send is unknown until its statuses (carrying our id) come back.
    await e.waitFor(async () => {
      const job = await e.db.db
        .selectFrom('outbox_jobs')
        .select('state')
        .where('message_id', '=', id)
        .executeTakeFirstOrThrow();
      const m = await statusOf(id);
      return job.state === 'done' && ['delivered', 'read'].includes(m.status);
    }, 'settled by the late statuses');
    const job = await e.db.db
      .selectFrom('outbox_jobs')
      .select('last_error_json')
      .where('message_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(job.last_error_json).toContain('SEND_OUTCOME_UNKNOWN');
    expect((await statusOf(id)).error_json).toBeNull();
    const api = await e.api('GET', `/api/messages/${id}`);
    expect(['delivered', 'read']).toContain(api.body.status);
    expect(api.body.error).toBeNull();
    expect(sendsOf(id)).toBe(1);
  });
});
