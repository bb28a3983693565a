/**
 * What the ingestion benchmarks share: a throw-away database per dialect, the hub as a real child
 * process (`coexist serve`), and counters read from the database while the hub works.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { type Database, openDatabase } from '../src/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SECRET = 'sandbox-app-secret';
const pgAdmin = process.env.COEXIST_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type BenchDatabase = { url: string; dialect: 'sqlite' | 'postgres'; cleanup(): Promise<void> };

/** A fresh, migrated database of `dialect`. */
export async function createBenchDatabase(dialect: 'sqlite' | 'postgres'): Promise<BenchDatabase> {
  let url: string;
  let cleanup: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'coexist-bench-'));
    url = `sqlite:${join(dir, 'hub.db')}`;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const name = `coexist_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: pgAdmin });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(pgAdmin);
    u.pathname = `/${name}`;
    url = u.toString();
    cleanup = async () => {
      const c = new pg.Client({ connectionString: pgAdmin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  const database = openDatabase(url);
  await migrateToLatest(database.db, database.dialect);
  await database.close();
  return { url, dialect, cleanup };
}

export type Hub = { child: ChildProcess; url: string; stop(): Promise<void> };

/** Starts `coexist serve` on `databaseUrl` (`env` on top, e.g. a sandbox's Graph URL); resolves once it listens. */
export function startHub(databaseUrl: string, env: Record<string, string> = {}): Promise<Hub> {
  // BENCH_HUB_NODE_ARGS passes Node flags to the hub (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
  const nodeArgs = (process.env.BENCH_HUB_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(root, 'bin/coexist.mjs'), 'serve'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      META_APP_SECRET: SECRET,
      META_VERIFY_TOKEN: 'sandbox-verify-token',
      META_GRAPH_URL: 'http://127.0.0.1:9',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let out = '';
    // BENCH_HUB_LOG=<file>: the hub's log lines are appended there too (to see what it did).
    const logFile = process.env.BENCH_HUB_LOG;
    child.stdout?.on('data', (chunk: Buffer) => {
      if (logFile) appendFileSync(logFile, chunk);
      out += chunk.toString();
      const m = /"url":"(http:\/\/[^"]+)","msg":"hub listening"/.exec(out);
      if (m) {
        out = '';
        resolve({ child, url: m[1] as string, stop });
      } else if (out.length > 100_000) out = out.slice(-1000);
    });
    child.once('exit', (code) => reject(new Error(`hub exited with ${code}`)));
  });
}

/** A second connection to the hub's database, for the benchmark's own counters. */
export function observe(databaseUrl: string): Database {
  return openDatabase(databaseUrl);
}

/** Stored webhooks not yet processed. */
export async function pendingCount(database: Database): Promise<number> {
  const r = await database.db
    .selectFrom('webhook_events')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('state', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Messages stored (applied), optionally only of one origin. */
export async function messageCount(database: Database, origin?: 'customer' | 'history'): Promise<number> {
  let q = database.db.selectFrom('messages').select((eb) => eb.fn.countAll().as('n'));
  if (origin) q = q.where('origin', '=', origin);
  const r = await q.executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * How far the durable subscribers (archive, analytics, automation, …) are behind the event log:
 * the newest event id minus the slowest cursor (0 when every subscriber has caught up).
 */
export async function subscriberLag(database: Database): Promise<number> {
  const newest = await database.db
    .selectFrom('domain_events')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  const slowest = await database.db
    .selectFrom('event_cursors')
    .select((eb) => eb.fn.min('position').as('position'))
    .executeTakeFirst();
  if (newest?.id == null || slowest?.position == null) return 0;
  return Math.max(0, Number(newest.id) - Number(slowest.position));
}

/** Waits until every durable subscriber has caught up (or `timeoutMs` passed); returns the time and the lag left. */
export async function waitSubscribers(
  database: Database,
  timeoutMs: number,
): Promise<{ ms: number; left: number }> {
  const started = Date.now();
  let left = await subscriberLag(database);
  while (left > 0 && Date.now() - started < timeoutMs) {
    await new Promise((r) => setTimeout(r, 100));
    left = await subscriberLag(database);
  }
  return { ms: Date.now() - started, left };
}

/** Waits until nothing is pending (or `timeoutMs` passed); returns the time it took and what is left. */
export async function waitDrained(
  database: Database,
  timeoutMs: number,
  onSample?: (pending: number) => void | Promise<void>,
): Promise<{ ms: number; left: number }> {
  const started = Date.now();
  let left = await pendingCount(database);
  while (left > 0 && Date.now() - started < timeoutMs) {
    await new Promise((r) => setTimeout(r, 100));
    left = await pendingCount(database);
    await onSample?.(left);
  }
  return { ms: Date.now() - started, left };
}

/** One line naming the machine and how busy it is, for the results. */
export function machineLine(): string {
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
  return `machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}, load average ${load}`;
}

/** The bench number's Meta metadata (Meta's fixture number, registered by `createBenchDatabase`). */
export const BENCH_META = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };

/**
 * A signed-body inbound text message from one of 500 customers: webhook `n`, its wamid
 * `wamid.<prefix><n>` and its text `text(n)`.
 */
export function inboundPayload(n: number, prefix: string, text: (n: number) => string): string {
  const customer = `1650555${String(1000 + (n % 500))}`;
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: BENCH_META,
              contacts: [{ profile: { name: `Customer ${n % 500}` }, wa_id: customer }],
              messages: [
                {
                  from: customer,
                  id: `wamid.${prefix}${n}`,
                  timestamp: String(1_750_000_000 + n),
                  type: 'text',
                  text: { body: text(n) },
                },
              ],
            },
          },
        ],
      },
    ],
  });
}

/** The CPU time (user + system, ms) a process has used so far, from `/proc` (Linux); NaN elsewhere. */
export function hubCpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}
