/**
 * `npx tsx bench/contact-import.ts`: a 100,000-row contact CSV imported through the API of a real hub
 * process (`coexist serve`), with the sandbox in its own process.
 *
 * Measured: the `POST /api/contact-imports` answer (the whole file parsed and validated before the
 * job is queued), the `audiences.contact-import` job from queued to done with its progress as the
 * page polls it, the rows per second, and whether the hub stays responsive meanwhile: `GET /healthz`
 * and `GET /api/contact-imports/:id` (the progress bar's poll) every 100 ms, their p50, p99 and max.
 *
 * Sizes: BENCH_ROWS (100000), BENCH_DIALECTS (sqlite,postgres). Every 50th row is bad (a letter in
 * the phone), so valid-rows-only mode has rejects to report.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { createApiToken } from '../src/auth/api-tokens.ts';
import { openDatabase } from '../src/database.ts';
import { createBenchDatabase, machineLine, startHub } from './hub-process.ts';
import { startSandboxProcess } from './sandbox-child.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as ('sqlite' | 'postgres')[];
const PN = '106540352242922';
const WABA = '102290129340398';
const agent = new Agent({ connections: 8 });

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? Number.NaN;
}

async function timed(url: string, token: string, path: string): Promise<{ ms: number; body: unknown }> {
  const t0 = performance.now();
  const res = await request(`${url}${path}`, {
    headers: { authorization: `Bearer ${token}` },
    dispatcher: agent,
  });
  const text = await res.body.text();
  return { ms: performance.now() - t0, body: text ? JSON.parse(text) : null };
}

function csv(rows: number): string {
  const lines = ['phone,name,consent,evidence,city,plan'];
  for (let i = 0; i < rows; i++) {
    const phone = i % 50 === 49 ? `3460${i}x` : `346${String(10_000_000 + i)}`;
    const consent = i % 3 === 0 ? 'opt_in,web form 2026-11' : ',';
    lines.push(
      `${phone},Customer ${i},${consent},${i % 2 ? 'Madrid' : 'Lisboa'},${i % 5 ? 'basic' : 'gold'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(dialect: 'sqlite' | 'postgres') {
  const target = await createBenchDatabase(dialect);
  const sandbox = await startSandboxProcess({ port: 0, clock: 'real', statusDelays: false });
  const hub = await startHub(target.url, {
    META_GRAPH_URL: sandbox.url,
    META_ACCESS_TOKEN: 'sandbox-access-token',
    COEXIST_DATA_DIR: mkdtempSync(join(tmpdir(), 'coexist-bench-import-')),
  });
  const observer = openDatabase(target.url);
  try {
    const { token } = await createApiToken(observer.db, { name: 'bench', role: 'admin', now: Date.now() });
    const registered = await request(`${hub.url}/api/numbers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ phone_number_id: PN, waba_id: WABA }),
      dispatcher: agent,
    });
    if (registered.statusCode !== 201)
      throw new Error(`number registration: ${await registered.body.text()}`);
    await registered.body.dump();
    const file = csv(ROWS);
    const body = JSON.stringify({ phone_number_id: PN, mode: 'valid_only', csv: file, file_name: 'big.csv' });
    console.log(`${dialect}: ${ROWS} rows, ${(file.length / 1024 / 1024).toFixed(1)} MB of CSV`);

    // The hub's responsiveness while it works: a health probe every 100 ms from the POST on.
    const health: number[] = [];
    const polls: number[] = [];
    let probing = true;
    const probe = (async () => {
      while (probing) {
        health.push((await timed(hub.url, token, '/healthz')).ms);
        await sleep(100);
      }
    })();

    const t0 = performance.now();
    const res = await request(`${hub.url}/api/contact-imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
      dispatcher: agent,
    });
    const created = JSON.parse(await res.body.text());
    const answeredMs = performance.now() - t0;
    if (res.statusCode !== 201) throw new Error(`import: ${res.statusCode} ${JSON.stringify(created)}`);
    console.log(
      `${dialect}: POST answered in ${answeredMs.toFixed(0)} ms (${created.rejected_rows} rejected rows reported)`,
    );
    let last: { state: string; processed_rows: number; imported_rows: number } = created;
    const progress: string[] = [];
    for (;;) {
      const polled = await timed(hub.url, token, `/api/contact-imports/${created.id}`);
      polls.push(polled.ms);
      last = polled.body as typeof last;
      const line = `${((performance.now() - t0) / 1000).toFixed(0)}s:${last.processed_rows}`;
      if (progress.at(-1)?.split(':')[1] !== String(last.processed_rows)) progress.push(line);
      if (last.state === 'done' || last.state === 'failed') break;
      if (performance.now() - t0 > 30 * 60_000) throw new Error('the import took more than 30 minutes');
      await sleep(500);
    }
    const totalS = (performance.now() - t0) / 1000;
    probing = false;
    await probe;
    const contacts = await observer.db
      .selectFrom('contacts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const consent = await observer.db
      .selectFrom('consent_records')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    console.log(
      `${dialect}: ${last.state} in ${totalS.toFixed(1)} s; ${last.imported_rows} imported ` +
        `(${(last.imported_rows / totalS).toFixed(0)} rows/s), ${Number(contacts.n)} contacts, ` +
        `${Number(consent.n)} consent records`,
    );
    console.log(
      `${dialect}: progress seen by the page: ${progress.slice(0, 4).join(' ')} … ${progress.at(-1)}`,
    );
    console.log(
      `${dialect}: GET /healthz during the import: p50 ${pct(health, 0.5).toFixed(1)} ms, ` +
        `p99 ${pct(health, 0.99).toFixed(1)} ms, max ${Math.max(...health).toFixed(1)} ms (${health.length} probes)`,
    );
    console.log(
      `${dialect}: GET /api/contact-imports/:id (the progress poll): p50 ${pct(polls, 0.5).toFixed(1)} ms, ` +
        `p99 ${pct(polls, 0.99).toFixed(1)} ms, max ${Math.max(...polls).toFixed(1)} ms`,
    );
  } finally {
    await observer.close();
    await hub.stop();
    await sandbox.close();
    await target.cleanup();
  }
}

console.log(machineLine());
for (const d of dialects) await run(d);
console.log(machineLine());
await agent.close();
