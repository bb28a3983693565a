import { afterEach, describe, expect, it } from 'vitest';
import { loadRateCard } from '../costs/rate-card.ts';
import { testDialects } from '../testing/databases.ts';
import { type FaultProxy, startFaultProxy } from '../testing/fault-proxy.ts';
import { type OutboundEnv, PNID, startOutboundEnv } from '../testing/sandbox-env.ts';
import { enqueueSend, notifyEnqueued } from './enqueue-send.ts';
import { prepareSend } from './send-message.ts';

/** How long the Cloud API refuses connections: four times what the old retry schedule survived. */
const OUTAGE_MS = 60_000;
const MESSAGES = 300;

describe.each(testDialects)('the Cloud API refusing connections (%s)', (dialect) => {
  let env: OutboundEnv | undefined;
  let proxy: FaultProxy | undefined;
  afterEach(async () => {
    await env?.close();
    await proxy?.close();
    env = undefined;
    proxy = undefined;
  });

  it('keeps every queued message through a 60 s outage, alerts, resumes by itself and sends each exactly once', async () => {
    env = await startOutboundEnv(dialect, {
      // Rate limits off, so that 300 messages drain in a moment once Meta is back.
      sandbox: { rateLimits: false },
      graphUrl: async (url) => {
        const u = new URL(url);
        proxy = await startFaultProxy({ target: { host: u.hostname, port: Number(u.port) } });
        return `http://${proxy.address}`;
      },
      env: { COEXIST_META_UNREACHABLE_MAX_BACKOFF_MS: '500' },
    });
    const e = env;
    const p = proxy as FaultProxy;
    await e.api('PATCH', `/api/numbers/${PNID}/sending`, { throughput_mps: 1000 });
    // Meta goes away: open connections are cut while nothing is in flight, then nothing connects.
    await p.setMode('reset');
    await p.setMode('refuse');
    const downAt = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < MESSAGES; i += 25) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(25, MESSAGES - i) }, (_, k) =>
          e.api('POST', '/api/messages', {
            phone_number_id: PNID,
            to: `3460001${String(i + k).padStart(4, '0')}`,
            type: 'template',
            template: { name: 'hello_world', language: 'en_US' },
          }),
        ),
      );
      for (const res of batch) {
        expect(res.status, JSON.stringify(res.body)).toBe(202);
        ids.push(res.body.id);
      }
    }
    const alert = await e.waitFor(async () => {
      const a = await e.api('GET', '/api/alerts?status=open');
      return a.body.data.find((x: { code: string }) => x.code === 'META_UNREACHABLE');
    }, 'the META_UNREACHABLE alert');
    expect(alert.phone_number_id).toBe(PNID);

    const statuses = async () =>
      (await e.db.db.selectFrom('messages').select(['id', 'status']).where('id', 'in', ids).execute()).map(
        (m) => m.status,
      );
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - downAt))));
    // A minute of refused connections: nothing failed, nothing is unknown, nothing reached Meta.
    expect((await statuses()).filter((s) => s !== 'queued' && s !== 'sending')).toEqual([]);
    expect(Object.values(e.sandbox.world.messages).filter((m) => m.outbound)).toHaveLength(0);

    await p.setMode('pass');
    await e.waitFor(
      async () => (await statuses()).every((s) => ['sent', 'delivered', 'read'].includes(s)),
      'every message sent after the outage',
      60_000,
    );
    const sends = new Map<string, number>();
    for (const m of Object.values(e.sandbox.world.messages)) {
      const id = m.outbound?.bizOpaque;
      if (id) sends.set(id, (sends.get(id) ?? 0) + 1);
    }
    expect(ids.filter((id) => sends.get(id) !== 1)).toEqual([]);
    const cleared = await e.waitFor(async () => {
      const a = await e.api('GET', '/api/alerts?status=resolved');
      return a.body.data.find((x: { id: string }) => x.id === alert.id);
    }, 'the alert resolved by itself');
    expect(cleared.resolved_by).toBe('system');
  }, 180_000);

  it("bounds the wait by the message's own deadline: still queued then, it fails with SEND_DEADLINE_PASSED", async () => {
    env = await startOutboundEnv(dialect, {
      graphUrl: async (url) => {
        const u = new URL(url);
        proxy = await startFaultProxy({ target: { host: u.hostname, port: Number(u.port) } });
        return `http://${proxy.address}`;
      },
      env: { COEXIST_META_UNREACHABLE_MAX_BACKOFF_MS: '500' },
    });
    const e = env;
    const p = proxy as FaultProxy;
    await p.setMode('reset');
    await p.setMode('refuse');
    const now = Date.now();
    const prepared = prepareSend({ type: 'template', template: { name: 'hello_world', language: 'en_US' } });
    const rateCard = await loadRateCard({ db: e.db.db, dataDir: e.deps.config.dataDir, now });
    // A campaign job enqueues in its own transaction, with the campaign's end as the deadline.
    const [late, open] = await e.db.db.transaction().execute(async (trx) => [
      await enqueueSend(trx, {
        recipient: { phoneNumberId: PNID, to: '34600020001' },
        prepared,
        origin: 'campaign',
        deadline: now + 3000,
        rateCard,
        now,
      }),
      await enqueueSend(trx, {
        recipient: { phoneNumberId: PNID, to: '34600020002' },
        prepared,
        origin: 'campaign',
        rateCard,
        now,
      }),
    ]);
    notifyEnqueued(e.deps, [PNID]);
    const failed = await e.waitFor(async () => {
      const m = await e.db.db
        .selectFrom('messages')
        .select(['status', 'error_json'])
        .where('id', '=', late.message.id)
        .executeTakeFirstOrThrow();
      return m.status === 'failed' ? m : null;
    }, 'the message past its deadline failed');
    expect(JSON.parse(failed.error_json ?? '{}').code).toBe('SEND_DEADLINE_PASSED');
    const waiting = await e.db.db
      .selectFrom('messages')
      .select('status')
      .where('id', '=', open.message.id)
      .executeTakeFirstOrThrow();
    expect(['queued', 'sending']).toContain(waiting.status);
    await p.setMode('pass');
    await e.waitFor(async () => {
      const m = await e.db.db
        .selectFrom('messages')
        .select('status')
        .where('id', '=', open.message.id)
        .executeTakeFirstOrThrow();
      return ['sent', 'delivered', 'read'].includes(m.status);
    }, 'the message without a deadline sent once Meta is back');
    expect(
      Object.values(e.sandbox.world.messages).filter((m) => m.outbound?.bizOpaque === late.message.id),
    ).toHaveLength(0);
  });
});
