/**
 * `npm run bench:ingest`: durable webhook acknowledgements per second and acknowledgement latency of
 * a real hub process (`coexist serve`) over loopback, on SQLite and on PostgreSQL, at full speed and
 * at a fixed 500 requests/second. Payloads are signed and mix inbound messages, status batches and
 * echoes, with a unique wamid per request. An event = one acknowledged (200) webhook POST, stored
 * durably before the answer.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase } from '../src/database.ts';

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

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',');
const pgAdmin = process.env.COEXIST_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SECRET = 'sandbox-app-secret';
const META = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };

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

function startHub(databaseUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(root, 'bin/coexist.mjs'), 'serve'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      META_APP_SECRET: SECRET,
      META_VERIFY_TOKEN: 'sandbox-verify-token',
      META_GRAPH_URL: 'http://127.0.0.1:9',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /"url":"(http:\/\/[^"]+)","msg":"hub listening"/.exec(out);
      if (m) {
        out = '';
        resolve({ child, url: m[1] as string });
      } else if (out.length > 100_000) out = out.slice(-1000);
    });
    child.once('exit', (code) => reject(new Error(`hub exited with ${code}`)));
  });
}

async function run(url: string, options: { rate?: number; connections: number }) {
  return autocannon({
    url: `${url}/webhooks/meta`,
    connections: options.connections,
    duration,
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

async function pendingCount(databaseUrl: string): Promise<number> {
  const database = openDatabase(databaseUrl);
  try {
    const r = await database.db
      .selectFrom('webhook_events')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('state', '=', 'pending')
      .executeTakeFirstOrThrow();
    return Number(r.n);
  } finally {
    await database.close();
  }
}

const rows: string[] = [];
function report(label: string, r: AutocannonResult) {
  const eps = Math.round(r['2xx'] / (r.duration || duration));
  const line = `| ${label} | ${eps} | ${r.latency.p50} | ${r.latency.p99} | ${r.non2xx + r.errors} |`;
  rows.push(line);
  process.stdout.write(`${line}\n`);
}

process.stdout.write(
  `machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}\n`,
);
process.stdout.write(
  '| run | events/s (acked 200) | ack p50 ms | ack p99 ms | errors |\n| --- | --- | --- | --- | --- |\n',
);

for (const dialect of dialects) {
  let databaseUrl: string;
  let cleanup: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'coexist-bench-'));
    databaseUrl = `sqlite:${join(dir, 'hub.db')}`;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const name = `coexist_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: pgAdmin });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(pgAdmin);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
    cleanup = async () => {
      const c = new pg.Client({ connectionString: pgAdmin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  for (const mode of ['max', 'fixed'] as const) {
    const hub = await startHub(databaseUrl);
    try {
      await run(hub.url, { connections: 4, rate: 200 }); // warm-up (JIT, pools, contacts)
      const result =
        mode === 'max'
          ? await run(hub.url, { connections })
          : await run(hub.url, { connections: 20, rate: 500 });
      report(
        `${dialect}, ${mode === 'max' ? `${connections} connections, max rate` : 'fixed 500 req/s'}`,
        result,
      );
      const started = Date.now();
      let pending = await pendingCount(databaseUrl);
      const backlog = pending;
      while (pending > 0 && Date.now() - started < 180_000) {
        await new Promise((r) => setTimeout(r, 500));
        pending = await pendingCount(databaseUrl);
      }
      process.stdout.write(
        `  backlog after the run: ${backlog} events, processed in ${((Date.now() - started) / 1000).toFixed(1)} s${pending > 0 ? ` (${pending} still pending)` : ''}\n`,
      );
    } finally {
      const exited = new Promise((r) => hub.child.once('exit', r));
      hub.child.kill('SIGTERM');
      await exited;
    }
  }
  await cleanup();
}
