import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../testing/databases.ts';
import { type OutboundEnv, PNID, SEASONAL_PROMO, startOutboundEnv } from '../testing/sandbox-env.ts';
import { pauseNumber } from './alerts.ts';

/** A fault in front of the sandbox: `forward-then-502` lets Meta take the message but loses the answer; `reset` drops the request unsent. */
type Fault = 'pass' | 'forward-then-502' | 'reset';

async function faultyProxy(
  target: () => string,
  fault: () => Fault,
): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const isSend = req.method === 'POST' && /\/messages$/.test(req.url ?? '');
    const mode = isSend ? fault() : 'pass';
    if (mode === 'reset') {
      req.socket.destroy();
      return;
    }
    const upstream = await fetch(`${target()}${req.url}`, {
      method: req.method,
      headers: Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k)),
      ) as Record<string, string>,
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    const text = await upstream.text();
    if (mode === 'forward-then-502') {
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
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, server };
}

describe.each(testDialects)('error policy against the sandbox (%s)', (dialect) => {
  let env: OutboundEnv | undefined;
  let proxy: Server | undefined;
  afterEach(async () => {
    await env?.close();
    proxy?.close();
    env = undefined;
    proxy = undefined;
  });

  const statusOf = async (id: string) =>
    await env!.db.db
      .selectFrom('messages')
      .select(['status', 'wamid', 'error_json'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const sandboxCount = (id: string) =>
    Object.values(env!.sandbox.world.messages).filter((m) => m.outbound?.bizOpaque === id).length;

  it('backs off on 130429 and 131056 and still sends every message once, in order', async () => {
    // The 40 template recipients below are made up: the sandbox must treat them as customers on WhatsApp.
    env = await startOutboundEnv(dialect, {
      sandbox: { pairLimit: { burst: 2, everyMs: 1000 }, unknownRecipients: 'create' },
    });
    await env.customerWrites('16505551234');
    // The hub is told a higher rate than Meta allows, and a looser pair limit: Meta refuses some.
    await env.api('PATCH', `/api/numbers/${PNID}/sending`, { throughput_mps: 200 });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await env.api('POST', '/api/messages', {
        phone_number_id: PNID,
        to: '16505551234',
        type: 'text',
        text: { body: `m${i}` },
      });
      ids.push(res.body.id);
    }
    for (let i = 0; i < 40; i++) {
      const wa = `3460000${String(i).padStart(4, '0')}`;
      const res = await env.api('POST', '/api/messages', {
        phone_number_id: PNID,
        to: wa,
        type: 'template',
        template: { name: 'hello_world', language: 'en_US' },
      });
      ids.push(res.body.id);
    }
    await env.waitFor(
      async () => {
        const rows = await env!.db.db
          .selectFrom('messages')
          .select('status')
          .where('id', 'in', ids)
          .execute();
        return rows.every((r) => ['sent', 'delivered', 'read'].includes(r.status));
      },
      'all sent after backoff',
      90_000,
    );
    for (const id of ids) expect(sandboxCount(id)).toBe(1);
    const refusals = (await env.sandbox.control.requests()).data.map((r) => JSON.stringify(r));
    expect(refusals.some((r) => r.includes('130429')) || refusals.some((r) => r.includes('131056'))).toBe(
      true,
    );
    const arrival = Object.values(env.sandbox.world.messages)
      .filter((m) => ids.slice(0, 6).includes(m.outbound?.bizOpaque ?? ''))
      .map((m) => m.outbound?.bizOpaque);
    expect(arrival).toEqual(ids.slice(0, 6));
  });

  it('fails permanent errors with a readable reason and raises an alert for a bad token', async () => {
    env = await startOutboundEnv(dialect, {
      sandbox: {
        deliveryErrors: 'sync',
        customers: [{ waId: '16505550000', name: 'Gone', onWhatsApp: false }],
      },
    });
    const res = await env.api('POST', '/api/messages', {
      phone_number_id: PNID,
      to: '16505550000',
      type: 'template',
      template: { name: 'hello_world', language: 'en_US' },
    });
    const failed = await env.waitFor(async () => {
      const m = await statusOf(res.body.id);
      return m.status === 'failed' ? m : null;
    }, 'failed');
    const api = await env.api('GET', `/api/messages/${res.body.id}`);
    expect(api.body.error.code).toBe(131026);
    expect(api.body.error.message).toMatch(/cannot receive/);
    expect(failed.wamid).toBeNull();
    await env.close();

    env = await startOutboundEnv(dialect, { accessToken: 'expired-token' }).catch(() => undefined);
    expect(env).toBeUndefined(); // registering the number already needs a valid token
  });

  it('drops a queued marketing template when the contact opts out before it goes', async () => {
    env = await startOutboundEnv(dialect);
    // This number only refuses contacts who opted out (the default would need an opt-in first).
    await env.db.db
      .insertInto('consent_settings')
      .values({
        phone_number_id: PNID,
        policy: 'not_opted_out',
        opt_out_keywords_json: null,
        opt_in_keywords_json: null,
        opt_out_reply: null,
        opt_in_reply: null,
        page_wording: null,
        updated_at: Date.now(),
        updated_by: null,
      })
      .execute();
    // Hold the number so the message waits in the queue.
    await pauseNumber(env.db.db, {
      phoneNumberId: PNID,
      kind: 'backoff',
      until: Date.now() + 3_600_000,
      reason: 'test: holding the queue',
      alertId: null,
      now: Date.now(),
    });
    const res = await env.api('POST', '/api/messages', {
      phone_number_id: PNID,
      to: '16505551234',
      ...SEASONAL_PROMO,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    await env.db.db
      .updateTable('contacts')
      .set({ marketing_opt_out: 1, marketing_opt_out_at: Date.now() })
      .where('wa_id', '=', '16505551234')
      .execute();
    await pauseNumber(env.db.db, {
      phoneNumberId: PNID,
      kind: 'backoff',
      until: Date.now(),
      reason: 'test: released',
      alertId: null,
      now: Date.now(),
    });
    await env.waitFor(async () => (await statusOf(res.body.id)).status === 'failed', 'the send to fail');
    const api = await env.api('GET', `/api/messages/${res.body.id}`);
    expect(api.body.error.code).toBe('CONTACT_OPTED_OUT');
    expect(sandboxCount(res.body.id)).toBe(0);
  });

  it('pauses the number and raises an alert on 190; resolving the alert resumes sending', async () => {
    let token = 'sandbox-access-token';
    let target = '';
    const p = await faultyProxy(
      () => target,
      () => 'pass',
    );
    proxy = p.server;
    env = await startOutboundEnv(dialect, {
      graphUrl: (u) => {
        target = u;
        return p.url;
      },
    });
    // From now on the token the hub holds is refused (as when Meta revokes it).
    env.sandbox.options.accessTokens.delete('sandbox-access-token');
    token = 'revoked';
    const res = await env.api('POST', '/api/messages', {
      phone_number_id: PNID,
      to: '16505551234',
      type: 'template',
      template: { name: 'hello_world', language: 'en_US' },
    });
    const alert = await env.waitFor(async () => {
      const a = await env!.api('GET', '/api/alerts');
      return a.body.data.find((x: { code: string }) => x.code === '190');
    }, 'alert 190');
    expect(alert.phone_number_id).toBe(PNID);
    expect((await statusOf(res.body.id)).status).toBe('queued');
    expect(token).toBe('revoked');
    env.sandbox.options.accessTokens.add('sandbox-access-token');
    const resolved = await env.api('POST', `/api/alerts/${alert.id}/resolve`);
    expect(resolved.status).toBe(200);
    await env.waitFor(
      async () => ['sent', 'delivered', 'read'].includes((await statusOf(res.body.id)).status),
      'sent after resume',
    );
    expect(sandboxCount(res.body.id)).toBe(1);
  });

  it('never repeats a send whose outcome is unknown; a status or an operator resolves it', async () => {
    let fault: Fault = 'pass';
    let target = '';
    const p = await faultyProxy(
      () => target,
      () => fault,
    );
    proxy = p.server;
    env = await startOutboundEnv(dialect, {
      graphUrl: (u) => {
        target = u;
        return p.url;
      },
    });
    const tpl = {
      phone_number_id: PNID,
      type: 'template',
      template: { name: 'hello_world', language: 'en_US' },
    };
    fault = 'forward-then-502';
    const a = await env.api('POST', '/api/messages', { ...tpl, to: '16505551234' });
    // Meta took it; the answer was lost; the sent status (with our id as callback data) resolves it.
    const resolvedByStatus = await env.waitFor(async () => {
      const m = await statusOf(a.body.id);
      return m.wamid && m.status !== 'unknown' ? m : null;
    }, 'unknown resolved by status');
    expect(['sent', 'delivered', 'read']).toContain(resolvedByStatus.status);
    expect(sandboxCount(a.body.id)).toBe(1);

    fault = 'reset';
    const b = await env.api('POST', '/api/messages', { ...tpl, to: '16505551234' });
    await env.waitFor(async () => (await statusOf(b.body.id)).status === 'unknown', 'unknown');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await statusOf(b.body.id)).status).toBe('unknown');
    expect(sandboxCount(b.body.id)).toBe(0);
    fault = 'pass';
    const retry = await env.api('POST', `/api/messages/${b.body.id}/resolve`, { outcome: 'retry' });
    expect(retry.status).toBe(200);
    await env.waitFor(
      async () => ['sent', 'delivered', 'read'].includes((await statusOf(b.body.id)).status),
      'retried',
    );
    expect(sandboxCount(b.body.id)).toBe(1);
    const again = await env.api('POST', `/api/messages/${b.body.id}/resolve`, { outcome: 'failed' });
    expect(again.status).toBe(409);
  });
});
