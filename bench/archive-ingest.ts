/**
 * `ARCHIVE_BENCH=ingest npm run bench:archive`: what the compliance archive costs ingestion. The
 * hub runs as a real process (`coexist serve`) on a fresh database per run; a backlog of signed
 * inbound-message webhooks is stored while it is down, then the hub is started and timed until it
 * has applied them all (inbound messages/s, as in `bench:ingest`), once with the archive's
 * subscriber on and once with it off (`COEXIST_ARCHIVE_SUBSCRIBER=off`), in the same run. With the
 * archive on, it also times until every applied message has its archive entry.
 *
 * Sizes: `BENCH_BACKLOG` (20,000), `BENCH_DIALECTS` (`sqlite,postgres`), `BENCH_ROUNDS` (1; each
 * round runs off then on, the next on then off, so neither always goes first).
 */
import type { Database } from '../src/database.ts';
import {
  createBenchDatabase,
  inboundPayload,
  machineLine,
  messageCount,
  observe,
  startHub,
  waitDrained,
} from './hub-process.ts';

const backlogSize = Number(process.env.BENCH_BACKLOG ?? 20_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 1);
const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as ('sqlite' | 'postgres')[];

async function archivedMessages(database: Database): Promise<number> {
  const r = await database.db
    .selectFrom('archive_entries')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('type', '=', 'message.received')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

type RunResult = {
  applied: number;
  applySeconds: number;
  left: number;
  archived: number;
  archiveSeconds: number | null;
};

async function runOnce(dialect: 'sqlite' | 'postgres', archive: boolean): Promise<RunResult> {
  const target = await createBenchDatabase(dialect);
  const counters = observe(target.url);
  let hub: Awaited<ReturnType<typeof startHub>> | null = null;
  try {
    const now = Date.now();
    for (let i = 0; i < backlogSize; i += 500) {
      const rows = Array.from({ length: Math.min(500, backlogSize - i) }, (_, k) => ({
        received_at: now,
        path: '/webhooks/meta',
        body: inboundPayload(i + k, 'ARCHIVEBENCH', (n) => `hello ${n}, about order ${n * 7}`),
        state: 'pending' as const,
      }));
      await counters.db.insertInto('webhook_events').values(rows).execute();
    }
    // Timed from the start of the process: the worker may begin before the hub says it listens.
    const started = Date.now();
    hub = await startHub(target.url, { COEXIST_ARCHIVE_SUBSCRIBER: archive ? 'on' : 'off' });
    const drained = await waitDrained(counters, 600_000);
    const applySeconds = (Date.now() - started) / 1000;
    const applied = await messageCount(counters, 'customer');
    let archived = await archivedMessages(counters);
    let archiveSeconds: number | null = null;
    if (archive) {
      while (archived < applied && Date.now() - started < 900_000) {
        await new Promise((r) => setTimeout(r, 100));
        archived = await archivedMessages(counters);
      }
      archiveSeconds = (Date.now() - started) / 1000;
    }
    return { applied, applySeconds, left: drained.left, archived, archiveSeconds };
  } finally {
    await hub?.stop();
    await counters.close();
    await target.cleanup();
  }
}

const out = (line: string) => process.stdout.write(`${line}\n`);
out(machineLine());
out(
  `| run | archive subscriber | inbound messages applied | applied in | inbound messages/s | archive entries | archive caught up at |`,
);
out('| --- | --- | --- | --- | --- | --- | --- |');
for (const dialect of dialects) {
  const rates: Record<'on' | 'off', number[]> = { on: [], off: [] };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? [false, true] : [true, false];
    for (const archive of order) {
      const r = await runOnce(dialect, archive);
      const rate = r.applied / r.applySeconds;
      rates[archive ? 'on' : 'off'].push(rate);
      out(
        `| ${dialect}, ${backlogSize} stored while down, round ${round + 1} | ${archive ? 'on' : 'off'} | ${r.applied}${r.left > 0 ? ` (${r.left} webhooks left)` : ''} | ${r.applySeconds.toFixed(1)} s | **${Math.round(rate)}** | ${r.archived} | ${r.archiveSeconds === null ? '—' : `${r.archiveSeconds.toFixed(1)} s`} |`,
      );
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  out(
    `| ${dialect}: with the archive on, ingestion ran at ${((100 * mean(rates.on)) / mean(rates.off)).toFixed(0)} % of its rate with it off | | | | | | |`,
  );
}
out(machineLine());
