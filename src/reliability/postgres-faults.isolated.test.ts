import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../auth/api-tokens.ts';
import { signBody } from '../meta-webhooks/webhook.endpoint.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../testing/databases.ts';
import { type FaultProxy, startFaultProxy } from '../testing/fault-proxy.ts';
import { type HubProcess, startHubProcess } from '../testing/hub-process.ts';
import { type Sandbox, startSandbox } from '../testing/sandbox-env.ts';
import { APP_SECRET } from '../testing/test-app.ts';
import { envelope } from '../testing/webhook-harness.ts';

const PG = { host: '127.0.0.1', port: 5432 };
const PNID = '106540352242922';
const WABA = '102290129340398';
const ADMIN_URL = process.env.COEXIST_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** The hub's connections carry this name, so the test ends only theirs. */
const APP_NAME = 'coexist-under-fault';
/** Short database timeouts keep a stalled database from holding the test for long. */
const TIMEOUTS = { COEXIST_DB_STATEMENT_TIMEOUT_MS: '1500', COEXIST_DB_CONNECT_TIMEOUT_MS: '1000' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ends every connection of the hub under test from the server side, as an operator or a failover would. */
async function terminateHubConnections(): Promise<number> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ n: string }>(
      'select count(pg_terminate_backend(pid)) as n from pg_stat_activity where application_name = $1',
      [APP_NAME],
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await admin.end();
  }
}

function viaProxy(url: string, proxy: FaultProxy): string {
  const u = new URL(url);
  u.host = proxy.address;
  u.searchParams.set('application_name', APP_NAME);
  return u.toString();
}

function inbound(i: number): string {
  const from = `1650555${String(1000 + (i % 9))}`;
  return envelope('messages', {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
    contacts: [{ profile: { name: `Customer ${i % 9}` }, wa_id: from }],
    messages: [
      {
        from,
        id: `wamid.FAULT${i}`,
        timestamp: String(1_750_000_000 + i),
        type: 'text',
        text: { body: `m${i}` },
      },
    ],
  });
}

/** Posts one webhook as Meta does; the status, or 0 when no answer came (refused, reset, timed out). */
async function deliver(hub: HubProcess, i: number): Promise<number> {
  const payload = inbound(i);
  try {
    const res = await fetch(`${hub.url}/webhooks/meta`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(APP_SECRET, payload) },
      body: payload,
      // Meta gives up on a webhook after a while and retries it; a hung request must not hang the test.
      signal: AbortSignal.timeout(15_000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

async function readiness(hub: HubProcess): Promise<number> {
  try {
    const res = await fetch(`${hub.url}/readyz`, { signal: AbortSignal.timeout(15_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

const pgOnly = testDialects.includes('postgres') ? describe : describe.skip;

pgOnly('the hub process while PostgreSQL drops its connections', () => {
  let db: TestDatabase;
  let proxy: FaultProxy;
  let hub: HubProcess;
  let sandbox: Sandbox;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    proxy = await startFaultProxy({ target: PG });
    sandbox = await startSandbox({
      port: 0,
      clock: 'real',
      statusDelays: { sentMs: 20, deliveredMs: 60, readMs: 600_000 },
      // The recipients are not configured customers: the sandbox creates them instead of refusing (131026).
      unknownRecipients: 'create',
      numbers: [
        {
          wabaId: WABA,
          phoneNumberId: PNID,
          displayPhoneNumber: '15550783881',
          verifiedName: 'Coexist Demo',
          coexistence: false,
          throughputMps: 80,
        },
      ],
    });
    hub = await startHubProcess({
      DATABASE_URL: viaProxy(db.url, proxy),
      META_GRAPH_URL: sandbox.url,
      META_ACCESS_TOKEN: 'sandbox-access-token',
      ...TIMEOUTS,
    });
    await sandbox.setCallback(`${hub.url}/webhooks/meta`);
  });

  afterAll(async () => {
    await hub?.stop();
    await sandbox?.close();
    await proxy?.close();
    await db?.destroy();
  });

  it('stays up through terminated, reset and black-holed connections during ingestion, answers non-200 meanwhile, and resumes by itself', {
    timeout: 120_000,
  }, async () => {
    const total = 400;
    const statuses = new Map<number, number[]>();
    let next = 0;
    // Meta redelivers whatever did not get a 200; each sender does the same for its webhooks.
    const sender = async () => {
      while (next < total) {
        const i = next++;
        for (;;) {
          const status = await deliver(hub, i);
          statuses.set(i, [...(statuses.get(i) ?? []), status]);
          if (status === 200) break;
          if (!hub.alive()) return;
          await sleep(100);
        }
      }
    };
    const acked = () => [...statuses.values()].filter((s) => s.includes(200)).length;
    const senders = Array.from({ length: 6 }, sender);

    let terminated = 0;
    for (const at of [40, 80, 120]) {
      while (acked() < at && hub.alive()) await sleep(5);
      terminated += await terminateHubConnections();
      await sleep(50);
    }
    expect(terminated).toBeGreaterThan(0);

    // The network resets every connection, then the database stays unreachable for a while.
    while (acked() < 160 && hub.alive()) await sleep(5);
    await proxy.setMode('reset');
    const whileDown = await deliver(hub, total + 1);
    const readyWhileDown = await readiness(hub);
    await sleep(500);
    // A black hole: connections open, nothing ever answers; the timeouts must end each wait.
    await proxy.setMode('blackhole');
    const whileFrozen = await deliver(hub, total + 2);
    const readyWhileFrozen = await readiness(hub);
    await proxy.setMode('pass');

    await Promise.all(senders);
    expect(hub.alive(), hub.output().slice(-3000)).toBe(true);
    expect(whileDown).not.toBe(200);
    expect(whileDown).not.toBe(0);
    expect(readyWhileDown).toBe(503);
    expect(whileFrozen).not.toBe(200);
    expect(whileFrozen).not.toBe(0);
    expect(readyWhileFrozen).toBe(503);
    expect(await readiness(hub)).toBe(200);
    expect(acked()).toBe(total);

    // Every acknowledged webhook reaches the inbox exactly once, with no restart.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const rows = await db.db
        .selectFrom('messages')
        .select(['wamid'])
        .where('wamid', 'like', 'wamid.FAULT%')
        .execute();
      const pending = await db.db
        .selectFrom('webhook_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('state', '!=', 'processed')
        .executeTakeFirstOrThrow();
      if (rows.length >= total && Number(pending.n) === 0) {
        const wamids = rows.map((r) => r.wamid);
        expect(new Set(wamids).size).toBe(wamids.length);
        for (let i = 0; i < total; i++) expect(wamids).toContain(`wamid.FAULT${i}`);
        break;
      }
      if (Date.now() > deadline)
        throw new Error(`${rows.length}/${total} messages, ${pending.n} events unprocessed`);
      await sleep(100);
    }
    expect(hub.alive()).toBe(true);
  });

  it('stays up through terminated and reset connections while sending, sends nothing twice and finishes the queue by itself', {
    timeout: 120_000,
  }, async () => {
    const { token } = await createApiToken(db.db, { name: 'faults', role: 'admin', now: Date.now() });
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${hub.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      // biome-ignore lint/suspicious/noExplicitAny: the test reads loosely typed API answers.
      return { status: res.status, body: (await res.json()) as any };
    };
    expect((await call('POST', '/api/numbers', { phone_number_id: PNID, waba_id: WABA })).status).toBe(201);
    expect((await call('POST', '/api/templates/sync', {})).status).toBe(200);

    const ids: string[] = [];
    for (let k = 0; k < 2; k++) {
      const batch = await Promise.all(
        Array.from({ length: 80 }, async (_, r) => {
          const res = await call('POST', '/api/messages', {
            phone_number_id: PNID,
            to: `4477009${String(r).padStart(5, '0')}`,
            type: 'template',
            template: { name: 'hello_world', language: 'en_US' },
            origin: 'campaign',
          });
          expect(res.status).toBe(202);
          return res.body.id as string;
        }),
      );
      ids.push(...batch);
    }
    const arrived = () => Object.values(sandbox.world.messages).filter((m) => m.outbound?.bizOpaque);

    let terminated = 0;
    for (const at of [20, 50, 80]) {
      while (arrived().length < at && hub.alive()) await sleep(5);
      terminated += await terminateHubConnections();
    }
    expect(terminated).toBeGreaterThan(0);
    while (arrived().length < 100 && hub.alive()) await sleep(5);
    await proxy.setMode('reset');
    await sleep(700);
    await proxy.setMode('pass');

    const deadline = Date.now() + 60_000;
    let rows: { id: string; status: string }[] = [];
    for (;;) {
      rows = await db.db.selectFrom('messages').select(['id', 'status']).where('id', 'in', ids).execute();
      if (rows.every((r) => !['queued', 'sending'].includes(r.status))) break;
      if (Date.now() > deadline || !hub.alive()) break;
      await sleep(200);
    }
    expect(hub.alive(), hub.output().slice(-3000)).toBe(true);
    const open = rows.filter((r) => ['queued', 'sending'].includes(r.status));
    const log = hub
      .output()
      .split('\n')
      .filter((l) => /outbound|lease|sender/.test(l))
      .slice(-40)
      .join('\n');
    expect(open.length, `${arrived().length} arrived\n${log}`).toBe(0);

    const times = new Map<string, number>();
    for (const m of arrived())
      times.set(m.outbound?.bizOpaque ?? '', (times.get(m.outbound?.bizOpaque ?? '') ?? 0) + 1);
    // Never twice; a database fault is no reason to fail a message.
    expect(ids.filter((id) => (times.get(id) ?? 0) > 1)).toEqual([]);
    expect(rows.filter((r) => r.status === 'failed')).toEqual([]);
    // What the hub holds as sent went out; what went out is sent, or `unknown` for an operator to
    // resolve when its outcome was lost with the connection (never repeated blindly).
    for (const r of rows) {
      if (['sent', 'delivered', 'read'].includes(r.status)) expect(times.get(r.id), r.id).toBe(1);
      else expect(r.status, r.id).toBe('unknown');
    }
    expect(rows.filter((r) => r.status === 'unknown').length).toBeLessThan(ids.length / 4);
  });

  it('answers 503 when a write waits on a lock past the statement timeout, and 200 once the lock is gone', {
    timeout: 60_000,
  }, async () => {
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table webhook_events in access exclusive mode');
      // The statement timeout ends the wait; the request does not hang.
      expect(await deliver(hub, 10_001)).toBe(503);
      await locker.query('rollback');
      expect(await deliver(hub, 10_001)).toBe(200);
    } finally {
      await locker.end();
    }
    expect(hub.alive()).toBe(true);
  });
});
