/**
 * `npm run bench:automation`: the automation engine against a real hub process (`coexist serve`)
 * and the sandbox in its own process over HTTP.
 *
 * 1. Bot reply latency: signed customer-message webhooks at BENCH_RATE messages/s (100) from new
 *    customers, each answered by a rule (customer message → send text). Timed from the webhook POST
 *    (receipt) to the bot's send request arriving at the sandbox (`/messages`), p50 and p99.
 * 2. Human reply → automation paused: for BENCH_ECHOES of those conversations, the owner answers
 *    from the phone (a signed `smb_message_echoes` webhook, 20/s); timed from the POST until
 *    `GET /api/conversations/:id/control` says humans are in control, p50 and p99.
 *
 * Sizes: BENCH_SECONDS (20), BENCH_RATE, BENCH_ECHOES (200), BENCH_WARMUP (3 s at the rate first, not counted), BENCH_DIALECTS (sqlite,postgres; also
 * postgres-socket: the hub on PostgreSQL's Unix socket, BENCH_PG_SOCKET_DIR).
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { createApiToken } from '../src/auth/api-tokens.ts';
import { openDatabase } from '../src/database.ts';
import { createBenchDatabase, hubCpuMs, machineLine, SECRET, startHub } from './hub-process.ts';
import { startSandboxProcess } from './sandbox-child.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const RATE = Number(process.env.BENCH_RATE ?? 100);
const ECHOES = Number(process.env.BENCH_ECHOES ?? 200);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
// `postgres-socket`: PostgreSQL with the hub connected over its Unix socket (/var/run/postgresql)
// instead of TCP on 127.0.0.1 (a database on the hub's own machine).
type Variant = 'sqlite' | 'postgres' | 'postgres-socket';
const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as Variant[];
const PG_SOCKET_DIR = process.env.BENCH_PG_SOCKET_DIR ?? '/var/run/postgresql';

/** The same database, reached over the Unix socket (node-postgres reads the `host` parameter). */
function overSocket(url: string): string {
  const u = new URL(url);
  u.hostname = 'localhost';
  u.searchParams.set('host', PG_SOCKET_DIR);
  return u.toString();
}
const PN = '106540352242922';
const WABA = '102290129340398';
const META = { display_phone_number: '15550783881', phone_number_id: PN };

const agent = new Agent({ connections: 32, pipelining: 1 });

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? Number.NaN;
}

function envelope(field: string, value: unknown): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: WABA, changes: [{ field, value }] }],
  });
}

async function post(url: string, body: string): Promise<number> {
  const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
  const res = await request(`${url}/webhooks/meta`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
    body,
    dispatcher: agent,
  });
  await res.body.dump();
  return res.statusCode;
}

async function api(url: string, token: string, method: 'GET' | 'POST', path: string, body?: unknown) {
  const res = await request(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    dispatcher: agent,
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : null };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(dialect: Variant) {
  const target = await createBenchDatabase(dialect === 'sqlite' ? 'sqlite' : 'postgres');
  // A 1,000 mps number, so the number's own throughput is not what is measured (a coexistence
  // number sends 20 mps: at 100 messages/s its replies would queue behind the rate).
  const sandbox = await startSandboxProcess({
    port: 0,
    clock: 'real',
    statusDelays: false,
    numbers: [
      {
        wabaId: WABA,
        phoneNumberId: PN,
        displayPhoneNumber: '15550783881',
        verifiedName: 'Coexist Demo',
        coexistence: false,
        throughputMps: 1000,
      },
    ],
  });
  const hub = await startHub(dialect === 'postgres-socket' ? overSocket(target.url) : target.url, {
    META_GRAPH_URL: sandbox.url,
    META_ACCESS_TOKEN: 'sandbox-access-token',
    COEXIST_DATA_DIR: mkdtempSync(join(tmpdir(), 'coexist-bench-automation-')),
  });
  const observer = openDatabase(target.url);
  try {
    const { token } = await createApiToken(observer.db, { name: 'bench', role: 'admin', now: Date.now() });
    console.log(`${dialect}: hub at ${hub.url}, sandbox at ${sandbox.url}; registering the number`);
    const registered = await api(hub.url, token, 'POST', '/api/numbers', {
      phone_number_id: PN,
      waba_id: WABA,
    });
    if (registered.status !== 201)
      throw new Error(`number registration failed: ${JSON.stringify(registered.body)}`);
    await request(`${hub.url}/api/automation/settings/${PN}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ human_silence_minutes: 30, loop_cap_per_hour: 1000 }),
      dispatcher: agent,
    }).then((r) => r.body.dump());
    const rule = await api(hub.url, token, 'POST', '/api/automation/rules', {
      name: 'Answer every message',
      phone_number_id: PN,
      trigger: { type: 'customer_message' },
      actions: [{ type: 'send', content: { type: 'text', text: { body: 'Thanks! A bot will help you.' } } }],
    });
    if (rule.status !== 201) throw new Error(`rule creation failed: ${JSON.stringify(rule.body)}`);

    // 1. Customer message webhook → bot reply at the sandbox. First a warm-up at the same rate, not
    // counted (a hub that just started compiles its code and opens its connections meanwhile).
    const postedAt = new Map<string, number>();
    const sendAtRate = async (prefix: string, count: number, record: boolean) => {
      const started = performance.now();
      const epochAtStart = Date.now();
      const inflight: Promise<unknown>[] = [];
      for (let i = 0; i < count; i++) {
        const due = started + (i * 1000) / RATE;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        const waId = `${prefix}${String(1_000_000 + i)}`;
        const body = envelope('messages', {
          messaging_product: 'whatsapp',
          metadata: META,
          contacts: [{ profile: { name: `Customer ${i}` }, wa_id: waId }],
          messages: [
            {
              from: waId,
              id: `wamid.bench${prefix}${i}`,
              timestamp: String(Math.floor(Date.now() / 1000)),
              type: 'text',
              text: { body: 'hola' },
            },
          ],
        });
        if (record) postedAt.set(waId, epochAtStart + (performance.now() - started));
        inflight.push(post(hub.url, body));
      }
      await Promise.all(inflight);
    };
    const botReplies = async (prefix: string) =>
      observer.db
        .selectFrom('automated_sends')
        .innerJoin('messages', 'messages.id', 'automated_sends.message_id')
        .innerJoin('contacts', 'contacts.id', 'messages.contact_id')
        .select(['automated_sends.message_id', 'contacts.wa_id'])
        .where('messages.status', 'in', ['sent', 'delivered', 'read'])
        .where('contacts.wa_id', 'like', `${prefix}%`)
        .execute();
    if (WARMUP > 0) {
      console.log(
        `${dialect}: warming up with ${WARMUP * RATE} customer messages at ${RATE}/s (not counted)`,
      );
      await sendAtRate('5731', WARMUP * RATE, false);
      const warmDeadline = Date.now() + 60_000;
      while ((await botReplies('5731')).length < WARMUP * RATE && Date.now() < warmDeadline) await sleep(250);
    }
    console.log(`${dialect}: sending ${SECONDS * RATE} customer messages at ${RATE}/s`);
    const total = SECONDS * RATE;
    const cpuBefore = hubCpuMs(hub.child.pid);
    await sendAtRate('5730', total, true);
    const deadline = Date.now() + 60_000;
    let replies: { message_id: string; wa_id: string | null }[] = [];
    while (Date.now() < deadline) {
      replies = await botReplies('5730');
      if (replies.length >= total) break;
      await sleep(250);
    }
    // The hub's CPU time per answered message (user + system): what the machine's load changes least.
    const cpuPerMessage = (hubCpuMs(hub.child.pid) - cpuBefore) / total;
    const accepted = new Map((await sandbox.accepted()).map((a) => [a.bizOpaque, a.timestamp]));
    const latencies: number[] = [];
    for (const r of replies) {
      const at = accepted.get(r.message_id);
      const sent = r.wa_id ? postedAt.get(r.wa_id) : undefined;
      if (at !== undefined && sent !== undefined) latencies.push(at - sent);
    }

    console.log(`${dialect}: ${replies.length} bot replies sent; the owner answers ${ECHOES} conversations`);
    // Where the time went, in the hub's own clock: webhook stored → customer message applied → bot
    // message queued (the engine) → claimed by the sender.
    const stages = await observer.db
      .selectFrom('automated_sends as a')
      .innerJoin('messages as b', 'b.id', 'a.message_id')
      .innerJoin('outbox_jobs as j', 'j.message_id', 'a.message_id')
      .innerJoin('messages as c', (j) =>
        j.onRef('c.conversation_id', '=', 'a.conversation_id').on('c.origin', '=', 'customer'),
      )
      .innerJoin('webhook_events as w', 'w.id', 'c.webhook_event_id')
      .innerJoin('contacts as k', 'k.id', 'c.contact_id')
      .where('k.wa_id', 'like', '5730%')
      .select([
        'w.received_at as stored',
        'c.received_at as applied',
        'b.timestamp as queued',
        'j.dispatched_at as claimed',
      ])
      .execute();
    const stage = (f: (r: (typeof stages)[number]) => number) => {
      const xs = stages.map(f).filter((x) => Number.isFinite(x));
      return `p50 ${pct(xs, 0.5).toFixed(0)} / p99 ${pct(xs, 0.99).toFixed(0)} ms`;
    };
    console.log(
      `${dialect}: stored → applied ${stage((r) => Number(r.applied) - Number(r.stored))}; applied → bot queued ${stage((r) => Number(r.queued) - Number(r.applied))}; queued → claimed ${stage((r) => Number(r.claimed) - Number(r.queued))}`,
    );
    // 2. The owner answers from the phone → automation paused for that conversation.
    const conversations = await observer.db
      .selectFrom('conversations')
      .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
      .select(['conversations.id', 'contacts.wa_id'])
      .where('contacts.wa_id', 'like', '5730%')
      .limit(ECHOES)
      .execute();
    const paused: number[] = [];
    await Promise.all(
      conversations.map(async (c, i) => {
        await sleep(i * 50);
        const body = envelope('smb_message_echoes', {
          messaging_product: 'whatsapp',
          metadata: META,
          message_echoes: [
            {
              from: '15550783881',
              to: c.wa_id,
              id: `wamid.echo${i}`,
              timestamp: String(Math.floor(Date.now() / 1000)),
              type: 'text',
              text: { body: 'The owner answers' },
            },
          ],
        });
        const t0 = performance.now();
        await post(hub.url, body);
        for (;;) {
          const control = await api(hub.url, token, 'GET', `/api/conversations/${c.id}/control`);
          if (control.body?.state === 'human') break;
          if (performance.now() - t0 > 30_000) throw new Error('automation never paused');
          await sleep(5);
        }
        paused.push(performance.now() - t0);
      }),
    );
    return {
      dialect,
      messages: total,
      replies: latencies.length,
      replyP50: pct(latencies, 0.5),
      replyP99: pct(latencies, 0.99),
      echoes: paused.length,
      pausedP50: pct(paused, 0.5),
      pausedP99: pct(paused, 0.99),
      cpuPerMessage,
    };
  } finally {
    await observer.close();
    await hub.stop();
    await sandbox.close();
    await target.cleanup();
  }
}

const results = [];
for (const dialect of dialects) {
  const r = await run(dialect);
  results.push(r);
  console.log(
    `${dialect}: ${r.replies}/${r.messages} bot replies at ${RATE} msg/s — webhook receipt → reply at the sandbox p50 ${r.replyP50.toFixed(0)} ms, p99 ${r.replyP99.toFixed(0)} ms; ` +
      `owner echo → automation paused (${r.echoes}) p50 ${r.pausedP50.toFixed(0)} ms, p99 ${r.pausedP99.toFixed(0)} ms; ` +
      `the hub's CPU ${r.cpuPerMessage.toFixed(1)} ms per answered message`,
  );
}
console.log(machineLine());
await agent.close();
process.exit(0);
