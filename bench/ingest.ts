/**
 * `npm run bench:ingest`: webhook ingestion of a real hub process (`coexist serve`) over loopback,
 * on SQLite and on PostgreSQL. Payloads are signed and mix inbound messages, status batches and
 * echoes, with a unique wamid per request. An event = one acknowledged (200) webhook POST, stored
 * durably before the answer; applied = processed by the webhook worker into messages, statuses,
 * contacts and conversations.
 *
 * Per database: (0) the acknowledgement ceiling, a node with COEXIST_WORKERS=off at full speed;
 * (1) acknowledgements at full speed with every worker, then how fast the backlog is applied;
 * (2) a sustained fixed rate (500 req/s), with the backlog sampled every second; (3) inbound
 * messages applied per second: a backlog of inbound-only webhooks stored while the hub is down,
 * then the hub started and timed until it has applied them all.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  BENCH_META,
  createBenchDatabase,
  type Hub,
  inboundPayload,
  machineLine,
  messageCount,
  observe,
  pendingCount,
  SECRET,
  startHub,
  subscriberLag,
  waitDrained,
  waitSubscribers,
} from './hub-process.ts';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  duration: number;
}
// autocannon ships no type declarations; this is the part of its API the benchmark uses.
const autocannon = createRequire(import.meta.url)('autocannon') as (
  opts: Record<string, unknown>,
) => Promise<AutocannonResult>;

const duration = Number(process.env.BENCH_DURATION ?? 10);
const sustain = Number(process.env.BENCH_SUSTAIN ?? 30);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const backlogSize = Number(process.env.BENCH_BACKLOG ?? 20_000);
const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',');
const META = BENCH_META;

let seq = 0;
/** The next signed payload: an inbound message, a batch of three statuses, or an echo. */
function nextPayload(): string {
  const n = seq++;
  const wamid = `wamid.BENCH${randomBytes(6).toString('hex')}${n}`;
  const ts = String(1_750_000_000 + (n % 100_000));
  const customer = `1650555${String(1000 + (n % 500))}`;
  const kind = n % 3;
  const value =
    kind === 0
      ? {
          messaging_product: 'whatsapp',
          metadata: META,
          contacts: [{ profile: { name: `Customer ${n % 500}` }, wa_id: customer }],
          messages: [
            { from: customer, id: wamid, timestamp: ts, type: 'text', text: { body: `hello ${n}` } },
          ],
        }
      : kind === 1
        ? {
            messaging_product: 'whatsapp',
            metadata: META,
            statuses: ['sent', 'delivered', 'read'].map((status) => ({
              id: wamid,
              status,
              timestamp: ts,
              recipient_id: customer,
            })),
          }
        : {
            messaging_product: 'whatsapp',
            metadata: META,
            message_echoes: [
              {
                from: META.display_phone_number,
                to: customer,
                id: wamid,
                timestamp: ts,
                type: 'text',
                text: { body: `echo ${n}` },
              },
            ],
          };
  const field = kind === 2 ? 'smb_message_echoes' : 'messages';
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field, value }] }],
  });
}

async function run(url: string, options: { rate?: number; connections: number; seconds: number }) {
  return autocannon({
    url: `${url}/webhooks/meta`,
    connections: options.connections,
    duration: options.seconds,
    ...(options.rate ? { overallRate: options.rate } : {}),
    requests: [
      {
        method: 'POST',
        setupRequest: (req: Record<string, unknown>) => {
          const body = nextPayload();
          return {
            ...req,
            body,
            headers: {
              'content-type': 'application/json',
              'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
            },
          };
        },
      },
    ],
  });
}

const out = (line: string) => process.stdout.write(`${line}\n`);
/** Per dialect: acknowledged/s at full speed by a node that only acknowledges. */
const ceilings = new Map<string, number>();

out(machineLine());
out(
  '| run | acked events/s | ack p50 ms | ack p99 ms | errors | applied | backlog at end | backlog applied in | subscribers caught up |',
);
out('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
/** When the durable subscribers had caught up, counted from `since` (ms), or what they still lacked. */
const caughtUp = async (counters: Parameters<typeof waitSubscribers>[0], since: number) => {
  const done = await waitSubscribers(counters, 600_000);
  const at = ((Date.now() - since) / 1000).toFixed(1);
  return done.left > 0 ? `${done.left} events behind after ${at} s` : `after ${at} s`;
};

for (const dialect of dialects as ('sqlite' | 'postgres')[]) {
  // (0) The acknowledgement ceiling: the same full-speed run on a node without workers
  // (COEXIST_WORKERS=off: it only acknowledges), just before the real one, so that "unchanged"
  // compares like with like on a shared machine.
  {
    const bare = await createBenchDatabase(dialect);
    const ceiling = await startHub(bare.url, { COEXIST_WORKERS: 'off' });
    try {
      await run(ceiling.url, { connections: 4, rate: 200, seconds: duration });
      const max = await run(ceiling.url, { connections, seconds: duration });
      ceilings.set(dialect, Math.round(max['2xx'] / (max.duration || duration)));
      out(
        `| ${dialect}, ${connections} connections, max rate, acknowledging only (COEXIST_WORKERS=off) | ${ceilings.get(dialect)} | ${max.latency.p50} | ${max.latency.p99} | ${max.non2xx + max.errors} | — (not applied) | — | — | — |`,
      );
    } finally {
      await ceiling.stop();
      await bare.cleanup();
    }
  }
  const target = await createBenchDatabase(dialect);
  const counters = observe(target.url);
  let hub: Hub | null = null;
  try {
    // (1) Full speed.
    hub = await startHub(target.url);
    await run(hub.url, { connections: 4, rate: 200, seconds: duration }); // warm-up (JIT, pools, contacts)
    await waitDrained(counters, 180_000);
    let started = Date.now();
    const max = await run(hub.url, { connections, seconds: duration });
    let backlog = await pendingCount(counters);
    let drained = await waitDrained(counters, 300_000);
    let total = (Date.now() - started) / 1000;
    const acked = Math.round(max['2xx'] / (max.duration || duration));
    const ofCeiling = Math.round((100 * acked) / Math.max(1, ceilings.get(dialect) ?? 0));
    let subscribers = await caughtUp(counters, started);
    out(
      `| ${dialect}, ${connections} connections, max rate | ${acked} (${ofCeiling} % of acknowledging only) | ${max.latency.p50} | ${max.latency.p99} | ${max.non2xx + max.errors} | ${Math.round(max['2xx'] / total)} events/s (load + drain) | ${backlog} | ${(drained.ms / 1000).toFixed(1)} s${drained.left > 0 ? ` (${drained.left} left)` : ''} | ${subscribers} |`,
    );

    // (2) Sustained fixed rate: the backlog must not grow.
    const samples: number[] = [];
    const lags: number[] = [];
    const sampler = setInterval(() => {
      void pendingCount(counters).then((n) => samples.push(n));
      void subscriberLag(counters).then((n) => lags.push(n));
    }, 1000);
    started = Date.now();
    const fixed = await run(hub.url, { connections: 20, rate: 500, seconds: sustain });
    clearInterval(sampler);
    backlog = await pendingCount(counters);
    drained = await waitDrained(counters, 300_000);
    total = (Date.now() - started) / 1000;
    const half = Math.floor(samples.length / 2);
    const firstHalf = Math.max(0, ...samples.slice(0, half));
    const secondHalf = Math.max(0, ...samples.slice(half));
    const lagHalf = Math.floor(lags.length / 2);
    const lagFirst = Math.max(0, ...lags.slice(0, lagHalf));
    const lagSecond = Math.max(0, ...lags.slice(lagHalf));
    subscribers = await caughtUp(counters, started + sustain * 1000);
    out(
      `| ${dialect}, fixed 500 req/s for ${sustain} s | ${Math.round(fixed['2xx'] / (fixed.duration || sustain))} | ${fixed.latency.p50} | ${fixed.latency.p99} | ${fixed.non2xx + fixed.errors} | ${Math.round(fixed['2xx'] / total)} events/s | ${backlog} (max ${firstHalf} in the first half, ${secondHalf} in the second) | ${(drained.ms / 1000).toFixed(1)} s | lag max ${lagFirst} / ${lagSecond} events in the two halves; ${subscribers} the load ended |`,
    );
    await hub.stop();
    hub = null;

    // (3) Inbound messages applied per second, from a backlog stored while the hub was down.
    const before = await messageCount(counters, 'customer');
    const now = Date.now();
    for (let i = 0; i < backlogSize; i += 500) {
      const rows = Array.from({ length: Math.min(500, backlogSize - i) }, (_, k) => ({
        received_at: now,
        path: '/webhooks/meta',
        body: inboundPayload(i + k, 'BACKLOG', (n) => `hello ${n}`),
        state: 'pending' as const,
      }));
      await counters.db.insertInto('webhook_events').values(rows).execute();
    }
    // Timed from the start of the process: the worker may begin before the hub says it listens.
    started = Date.now();
    hub = await startHub(target.url);
    drained = await waitDrained(counters, 600_000);
    const seconds = (Date.now() - started) / 1000;
    const applied = (await messageCount(counters, 'customer')) - before;
    subscribers = await caughtUp(counters, started);
    out(
      `| ${dialect}, ${backlogSize} inbound messages stored while down, then applied (timed from the hub's start) | — | — | — | — | **${Math.round(applied / seconds)} inbound messages/s** (${applied} in ${seconds.toFixed(1)} s) | ${drained.left} | ${seconds.toFixed(1)} s | ${subscribers} |`,
    );
  } finally {
    await hub?.stop();
    await counters.close();
    await target.cleanup();
  }
}
