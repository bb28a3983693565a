/**
 * `npm run bench:inbox`: the inbox's reads at scale, against a real hub process (`coexist serve`).
 * Per database: seeds one number with 100,000 contacts and conversations and 2,000,000 messages
 * (one conversation has 10,000 of them) with set-based inserts generated in SQL, then times over
 * HTTP: the conversation list's first page (all, and open only), a search (several queries, message
 * text and contact names), opening the 10,000-message conversation (the conversation and its first
 * page of messages, as the web app does), and realtime fan-out: 200 clients on the event stream
 * while signed webhooks arrive at 200 messages/s, timed from each POST to each client seeing the
 * message's event. Sizes: BENCH_CONVERSATIONS, BENCH_MESSAGES, BENCH_BIG, BENCH_AGENTS,
 * BENCH_RATE, BENCH_FANOUT_SECONDS, BENCH_DIALECTS.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator, sql } from 'kysely';
import pg from 'pg';
import { Agent, request } from 'undici';
import { archiveBackfillJob } from '../src/archive/archive-upkeep.jobs.ts';
import { createApiToken } from '../src/auth/api-tokens.ts';
import { openDatabase } from '../src/database.ts';
import { STATUS_RANK } from '../src/messages/message-status.ts';
import { allMigrations } from '../src/platform/db/migrate.ts';
import { ensureRecurringJobs } from '../src/platform/jobs/job.repository.ts';
import { type Job, recurringKey } from '../src/platform/jobs/job.ts';
import { seedNumber } from '../src/testing/seed.ts';
import {
  type BenchDatabase,
  createBenchDatabase,
  hubCpuMs,
  machineLine,
  SECRET,
  startHub,
} from './hub-process.ts';

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 100_000);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2_000_000);
const BIG = Number(process.env.BENCH_BIG ?? 10_000);
const AGENTS = Number(process.env.BENCH_AGENTS ?? 200);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const FANOUT_SECONDS = Number(process.env.BENCH_FANOUT_SECONDS ?? 10);
const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',');
/** `reads` (list, search, open), `fanout` (realtime only), `all`, or `seed` (only make the cached seed). */
const PART = process.env.BENCH_PART ?? 'all';
const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const PN = '106540352242922';
const WABA = '102290129340398';
const META = { display_phone_number: '15550783881', phone_number_id: PN };
const BASE = Date.UTC(2026, 5, 1);

const WORDS = (
  'hola gracias pedido envío factura precio descuento cita reserva mañana tarde noche entrega ' +
  'dirección teléfono pago tarjeta transferencia devolución cambio talla color rojo azul verde ' +
  'negro blanco camiseta pantalón zapatos bolso reloj anillo collar perfume crema champú jabón ' +
  'toalla sábana almohada colchón mesa silla sofá lámpara cortina alfombra espejo cuadro planta ' +
  'maceta semilla abono tierra agua café té leche pan queso jamón aceite vinagre sal azúcar ' +
  'harina arroz pasta tomate cebolla ajo pimiento patata zanahoria lechuga pepino aguacate limón ' +
  'naranja manzana plátano fresa uva melón sandía piña mango obrigado olá pedido entrega ' +
  'endereço pagamento cartão troca tamanho cor vermelho amarelo camisa calça sapato bolsa ' +
  'relógio anel colar perfume sabonete toalha lençol travesseiro mesa cadeira sofá luminária ' +
  'cortina tapete espelho quadro planta vaso semente água café chá leite pão queijo presunto ' +
  'azeite vinagre açúcar farinha arroz macarrão tomate cebola alho batata cenoura alface pepino ' +
  'abacate limão laranja maçã banana morango uva melão melancia abacaxi manga urgente ayuda ' +
  'problema error reclamación queja garantía reparación técnico visita horario abierto cerrado ' +
  'sábado domingo lunes martes miércoles jueves viernes semana mes año ayer hoy pronto'
)
  .split(' ')
  .slice(0, 256);
/** Words in the vocabulary (each message's three words are picked by index modulo this). */
const W = WORDS.length;
const FIRST =
  'José María Ana Lucía Carmen Javier Pedro João Mariana Inês Gonçalo Andrés Sofía Martín Valentina Mateo Camila Diego Isabel Tomás Beatriz Raúl Elena Pablo Marta Sergio Paula Iván Rocío Álvaro Noemí Íñigo'.split(
    ' ',
  );
const LAST =
  'García López Martínez Rodríguez Fernández González Sánchez Pérez Gómez Díaz Muñoz Álvarez Romero Alonso Gutiérrez Navarro Silva Santos Oliveira Souza Lima Pereira Costa Carvalho Almeida Ribeiro Araújo Gonçalves Barbosa Rocha Dias Nunes'.split(
    ' ',
  );
const SEARCHES = [
  'aguacate',
  'pedido entrega',
  'reclamac',
  'maçã',
  'José García',
  'sabado urgente',
  'Muñoz',
  'abacaxi',
];

type Sample = { label: string; ms: number[] };
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const fmt = (n: number) => (n < 10 ? n.toFixed(1) : n.toFixed(0));

/**
 * A cached seed is reused while the sizes and the seed's code are the same; migrations added since
 * are applied to the cached copy once (as a hub upgrading its database would), `BENCH_FRESH=1`
 * seeds again.
 */
function cacheKey(dialect: 'sqlite' | 'postgres'): string {
  const h = createHash('sha256').update(
    JSON.stringify({ dialect, CONVERSATIONS, MESSAGES, BIG, tag: process.env.BENCH_CACHE_TAG ?? '' }),
  );
  h.update(fill.toString());
  return h.digest('hex').slice(0, 16);
}

/**
 * Fills a freshly migrated database with the data set, shaped like the hub's own rows: contacts,
 * conversations (last message time and preview, last customer message, window), messages (status
 * and its rank, `seq`), the search index rows (SQLite: the FTS5 triggers run; PostgreSQL: the
 * triggers are off and the index tables are filled with the triggers' own expressions, the GIN
 * index built once).
 */
async function fill(url: string, dialect: 'sqlite' | 'postgres'): Promise<void> {
  // Set-based statements over 2,000,000 rows take longer than the hub's 30 s statement timeout.
  const database = openDatabase(url, {
    timeouts: { statementMs: 3_600_000, connectMs: 10_000, busyMs: 60_000 },
  });
  const { db } = database;
  const started = Date.now();
  // Numbers go into the SQL as literals: better-sqlite3 binds a JS number as a REAL, which turned
  // ids into 'bm0.0' and made `n / W` a fraction (the word joins then dropped most rows).
  await seedNumber(db, { id: PN, waba_id: WABA, onboarded_at: BASE, created_at: BASE, updated_at: BASE });
  await sql`create table bench_words (i integer primary key, w text not null)`.execute(db);
  await sql`create table bench_names (i integer primary key, w text not null)`.execute(db);
  await db
    .insertInto('bench_words' as never)
    .values(WORDS.map((w, i) => ({ i, w })) as never)
    .execute();
  await db
    .insertInto('bench_names' as never)
    .values(FIRST.map((f, i) => ({ i, w: `${f} ${LAST[i] ?? ''}` })) as never)
    .execute();
  const series = (n: number) =>
    dialect === 'postgres'
      ? sql.raw(`select generate_series(0, ${n - 1})::bigint as n`)
      : sql.raw(
          `with recursive s(n) as (select 0 union all select n + 1 from s where n < ${n - 1}) select n from s`,
        );
  if (dialect === 'postgres') {
    // Set-based loading: the search triggers are off and the index rebuilt once at the end.
    await sql`alter table messages disable trigger messages_search`.execute(db);
    await sql`alter table contacts disable trigger contacts_search`.execute(db);
    await sql`drop index message_search_tsv`.execute(db);
  }
  const f = `bench_names`;
  await sql`
    insert into contacts (id, phone_number_id, wa_id, bsuid, parent_bsuid, username, profile_name, profile_name_at,
      address_book_name, address_book_first_name, in_address_book, address_book_synced_at, marketing_opt_out,
      marketing_opt_out_at, attributes_json, created_at, updated_at)
    select 'bc' || g.n, ${PN}, '34' || (600000000 + g.n), null, null, null,
      a.w || ' ' || b.w || ' ' || g.n, ${sql.lit(BASE)}, null, null, 0, null, 0, null, '{}', ${sql.lit(BASE)}, ${sql.lit(BASE)}
    from (${series(CONVERSATIONS)}) g
    join ${sql.table(f)} a on a.i = g.n % ${FIRST.length}
    join ${sql.table(f)} b on b.i = (g.n / ${FIRST.length}) % ${FIRST.length}`.execute(db);
  const top = BASE + CONVERSATIONS * 10_000;
  // Message k's text (the same expression as the messages' insert below), for the previews.
  const text = (k: string) =>
    sql.raw(
      `(select w1.w || ' ' || w2.w || ' ' || w3.w || ' ' || ((${k}) % 997) from bench_words w1, bench_words w2, bench_words w3
        where w1.i = (${k}) % ${W} and w2.i = ((${k}) / ${W}) % ${W} and w3.i = ((${k}) * 7 + 3) % ${W})`,
    );
  // Conversation 0's last message is message 0; conversation n's is message BIG + n - 1 (below).
  await sql`
    insert into conversations (id, phone_number_id, contact_id, status, window_expires_at, last_customer_message_at,
      fep_expires_at, last_message_at, last_message_preview, unread_count, assignee_user_id, team_id, created_at, updated_at)
    select 'bv' || g.n, ${PN}, 'bc' || g.n, case when g.n % 5 = 0 then 'open' else 'resolved' end, null, null, null,
      case when g.n = 0 then ${sql.lit(top)} else ${sql.lit(BASE)} + g.n * 10000 end,
      ${text(`case when g.n = 0 then 0 else ${BIG} + g.n - 1 end`)}, 0, null, null, ${sql.lit(BASE)}, ${sql.lit(BASE)}
    from (${series(CONVERSATIONS)}) g`.execute(db);
  // Message n: the first BIG belong to conversation 0, the rest go round the others.
  const rest = CONVERSATIONS - 1;
  const conv = sql.raw(`case when g.n < ${BIG} then 0 else 1 + (g.n - ${BIG}) % ${rest} end`);
  const ts = sql.raw(
    `case when g.n < ${BIG} then ${top} - g.n * 1000 else ${BASE} + (1 + (g.n - ${BIG}) % ${rest}) * 10000 - ((g.n - ${BIG}) / ${rest}) * 60000 end`,
  );
  const seqCol = dialect === 'sqlite' ? sql.raw(', seq') : sql.raw('');
  const seqVal = dialect === 'sqlite' ? sql.raw(', g.n + 1') : sql.raw('');
  const CHUNK = 250_000;
  for (let from = 0; from < MESSAGES; from += CHUNK) {
    const n = Math.min(CHUNK, MESSAGES - from);
    await sql`
      insert into messages (id, phone_number_id, conversation_id, contact_id, wamid, direction, origin, type,
        content_json, timestamp, received_at, status, status_at, status_rank, reactions_json${seqCol})
      select 'bm' || g.n, ${PN}, 'bv' || (${conv}), 'bc' || (${conv}), 'wamid.bm' || g.n,
        case when g.n % 2 = 0 then 'inbound' else 'outbound' end,
        case when g.n % 2 = 0 then 'customer' else 'agent' end, 'text',
        '{"body":"' || w1.w || ' ' || w2.w || ' ' || w3.w || ' ' || (g.n % 997) || '"}',
        ${ts}, ${ts}, case when g.n % 2 = 0 then 'received' else 'read' end, ${ts},
        case when g.n % 2 = 0 then ${sql.lit(STATUS_RANK.received)} else ${sql.lit(STATUS_RANK.read)} end, '{}'${seqVal}
      from (select s.n + ${sql.lit(from)} as n from (${series(n)}) s) g
      join bench_words w1 on w1.i = g.n % ${sql.lit(W)}
      join bench_words w2 on w2.i = (g.n / ${sql.lit(W)}) % ${sql.lit(W)}
      join bench_words w3 on w3.i = (g.n * 7 + 3) % ${sql.lit(W)}`.execute(db);
    process.stdout.write(
      `  ${dialect}: ${from + n} messages seeded (${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
    );
  }
  // The window of each conversation's last live customer message (conversations/window.ts).
  await sql`
    update conversations set last_customer_message_at = x.at, window_expires_at = x.at + ${sql.lit(24 * 3_600_000)}
    from (select conversation_id, max(timestamp) as at from messages where direction = 'inbound' group by conversation_id) x
    where conversations.id = x.conversation_id`.execute(db);
  if (dialect === 'postgres') {
    await sql`
      insert into message_search (message_id, phone_number_id, conversation_id, contact_id, tsv)
      select id, phone_number_id, conversation_id, contact_id, to_tsvector('simple', coexist_unaccent(t))
      from (select *, coexist_message_text(content_json, edited_content_json, deleted_at) as t from messages) m
      where t is not null`.execute(db);
    await sql`
      insert into contact_search (contact_id, phone_number_id, tsv)
      select id, phone_number_id, to_tsvector('simple', coexist_unaccent(t))
      from (select id, phone_number_id,
              nullif(trim(concat_ws(' ', address_book_name, profile_name, username, wa_id)), '') as t
            from contacts) c
      where t is not null`.execute(db);
    await sql`create index message_search_tsv on message_search using gin (tsv)`.execute(db);
    await sql`alter table messages enable trigger messages_search`.execute(db);
    await sql`alter table contacts enable trigger contacts_search`.execute(db);
  }
  const counted = await sql<{ n: number | string }>`select count(*) as n from messages`.execute(db);
  if (Number(counted.rows[0]?.n) !== MESSAGES)
    throw new Error(`seeded ${counted.rows[0]?.n} messages instead of ${MESSAGES}`);
  await sql`drop table bench_words`.execute(db);
  await sql`drop table bench_names`.execute(db);
  // PostgreSQL's autovacuum would analyze the tables soon after such a load; a SQLite hub never
  // runs ANALYZE, so its file gets none here either (the planner sees what a real hub's sees).
  if (dialect === 'postgres') await sql`vacuum analyze`.execute(db);
  await database.close();
  process.stdout.write(`  ${dialect}: seeded in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

const pgAdmin = process.env.COEXIST_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: pgAdmin });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * A database holding the data set for one run: a copy of the cached seed (made once per key,
 * `BENCH_FRESH=1` to make it again). SQLite: a file under `BENCH_CACHE_DIR` (default
 * `<tmp>/coexist-bench-inbox`), copied to a temporary folder; PostgreSQL: a database
 * `coexist_bench_inbox_<key>`, copied with `CREATE DATABASE … TEMPLATE`.
 */
async function seededDatabase(dialect: 'sqlite' | 'postgres'): Promise<BenchDatabase & { seedMs: number }> {
  const key = cacheKey(dialect);
  const fresh = process.env.BENCH_FRESH === '1';
  const started = Date.now();
  if (dialect === 'sqlite') {
    const dir = process.env.BENCH_CACHE_DIR ?? join(tmpdir(), 'coexist-bench-inbox');
    mkdirSync(dir, { recursive: true });
    const cached = join(dir, `${key}.db`);
    let seedMs = 0;
    if (!fresh && existsSync(cached) && !(await upgrade(`sqlite:${cached}`))) rmSync(cached);
    if (fresh || !existsSync(cached)) {
      rmSync(cached, { force: true });
      const bench = await createBenchDatabase('sqlite');
      await fill(bench.url, 'sqlite');
      renameSync(bench.url.slice('sqlite:'.length), cached);
      await bench.cleanup();
      seedMs = Date.now() - started;
    } else process.stdout.write(`  sqlite: seed reused from ${cached}\n`);
    const run = mkdtempSync(join(tmpdir(), 'coexist-bench-inbox-run-'));
    copyFileSync(cached, join(run, 'hub.db'));
    return {
      url: `sqlite:${join(run, 'hub.db')}`,
      dialect,
      seedMs,
      cleanup: async () => rmSync(run, { recursive: true, force: true }),
    };
  }
  const cachedName = `coexist_bench_inbox_${key}`;
  const exists = await admin(async (c) => {
    const r = await c.query(`select datname from pg_database where datname like 'coexist_bench_inbox_%'`);
    const names = r.rows.map((row: { datname: string }) => row.datname);
    if (fresh) await c.query(`drop database if exists ${cachedName} with (force)`);
    // Copies left by an interrupted run.
    const runs = await c.query(`select datname from pg_database where datname like 'coexist_bench_run_%'`);
    for (const { datname } of runs.rows as { datname: string }[])
      await c.query(`drop database if exists ${datname} with (force)`);
    return names.includes(cachedName) && !fresh;
  });
  const u = new URL(pgAdmin);
  u.pathname = `/${cachedName}`;
  if (exists && !(await upgrade(u.toString())))
    await admin((c) => c.query(`drop database if exists ${cachedName} with (force)`));
  let seedMs = 0;
  if (
    !exists ||
    !(await admin(
      async (c) => (await c.query(`select 1 from pg_database where datname = $1`, [cachedName])).rowCount,
    ))
  ) {
    const bench = await createBenchDatabase('postgres');
    await fill(bench.url, 'postgres');
    const name = new URL(bench.url).pathname.slice(1);
    await admin((c) => c.query(`alter database ${name} rename to ${cachedName}`));
    seedMs = Date.now() - started;
  } else process.stdout.write(`  postgres: seed reused from database ${cachedName}\n`);
  const runName = `coexist_bench_run_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`create database ${runName} template ${cachedName}`));
  u.pathname = `/${runName}`;
  return {
    url: u.toString(),
    dialect,
    seedMs,
    cleanup: () =>
      admin(async (c) => void (await c.query(`drop database if exists ${runName} with (force)`))),
  };
}

/** Applies the migrations added since the seed was cached; false when they cannot be (seed again). */
async function upgrade(url: string): Promise<boolean> {
  const database = openDatabase(url);
  try {
    // Unordered: a migration numbered below one the cached seed already has (numbers are handed
    // out ahead, so 039 can land after 040) is applied too, as the hub would find it done.
    const migrator = new Migrator({
      db: database.db,
      provider: { getMigrations: async () => allMigrations(database.dialect) },
      allowUnorderedMigrations: true,
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error) throw error;
    const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    // Their times in name order, as if applied in order: the hub's migrator (ordered) then accepts it.
    const names = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
      database.db,
    );
    for (const [i, { name }] of names.rows.entries())
      await sql`update kysely_migration set timestamp = ${new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString()} where name = ${name}`.execute(
        database.db,
      );
    if (applied.length > 0) process.stdout.write(`  cached seed migrated: ${applied.join(', ')}\n`);
    return true;
  } catch (error) {
    process.stdout.write(`  cached seed not migratable (${(error as Error).message}): seeding again\n`);
    return false;
  } finally {
    await database.close();
  }
}

/**
 * The run's API token (not part of the cached seed), and the archive's backfill postponed: the
 * seeded messages have no archive entries (a hub's messages get theirs as they are stored, and the
 * backfill gives the 2,000,000 seeded ones theirs at about 1,000 a second on this machine, half an
 * hour per database), so unless `BENCH_ARCHIVE_BACKFILL=on` it does not run during the measurement.
 */
async function prepareRun(url: string): Promise<string> {
  const database = openDatabase(url);
  try {
    if (process.env.BENCH_ARCHIVE_BACKFILL !== 'on') {
      const now = Date.now();
      await ensureRecurringJobs(database.db, [archiveBackfillJob as unknown as Job], now);
      await database.db
        .updateTable('jobs')
        .set({ run_at: now + 24 * 3_600_000 })
        .where('key', '=', recurringKey(archiveBackfillJob.id))
        .execute();
    }
    const { token } = await createApiToken(database.db, {
      name: 'bench',
      rateLimitPerMinute: 10_000_000,
      now: Date.now(),
    });
    return token;
  } finally {
    await database.close();
  }
}

async function timed(label: string, times: number, fn: (i: number) => Promise<void>): Promise<Sample> {
  for (let i = 0; i < 3; i++) await fn(i); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await fn(i);
    ms.push(performance.now() - t);
  }
  return { label, ms };
}

async function fanOut(
  hubUrl: string,
  token: string,
): Promise<{
  p50: number;
  p95: number;
  p99: number;
  ackP50: number;
  ackP95: number;
  seen: number;
  expected: number;
  sent: number;
}> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  /** Each POST's acknowledgement time: what the stream's latency owes to the endpoint alone. */
  const acks: number[] = [];
  const agent = new Agent({ connections: AGENTS + 10, pipelining: 0 });
  const controllers: AbortController[] = [];
  let ready = 0;
  const streams = Array.from({ length: AGENTS }, async () => {
    const ac = new AbortController();
    controllers.push(ac);
    const res = await request(`${hubUrl}/api/events`, {
      dispatcher: agent,
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      signal: ac.signal,
    });
    ready++;
    let buf = '';
    try {
      for await (const chunk of res.body) {
        buf += chunk.toString();
        let i = buf.indexOf('\n\n');
        while (i >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          i = buf.indexOf('\n\n');
          const m = /"wamid":"(wamid\.FAN\d+)"/.exec(frame);
          if (m && frame.includes('message.received')) {
            const at = sentAt.get(m[1] as string);
            if (at !== undefined) latencies.push(performance.now() - at);
          }
        }
      }
    } catch {
      // aborted at the end
    }
  });
  while (ready < AGENTS) await new Promise((r) => setTimeout(r, 50));
  const post = new Agent({ connections: 20 });
  const total = RATE * FANOUT_SECONDS;
  const startedAt = performance.now();
  const posts: Promise<unknown>[] = [];
  for (let n = 0; n < total; n++) {
    const due = startedAt + (n * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const wamid = `wamid.FAN${n}`;
    const customer = `34700${String(n % 500).padStart(4, '0')}`;
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: META,
                contacts: [{ profile: { name: `Fan ${n % 500}` }, wa_id: customer }],
                messages: [
                  {
                    from: customer,
                    id: wamid,
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: 'text',
                    text: { body: `live ${n}` },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    const postedAt = performance.now();
    sentAt.set(wamid, postedAt);
    posts.push(
      request(`${hubUrl}/webhooks/meta`, {
        method: 'POST',
        dispatcher: post,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
        body,
      }).then((r) => {
        acks.push(performance.now() - postedAt);
        return r.body.dump();
      }),
    );
  }
  await Promise.all(posts);
  const expected = total * AGENTS;
  const deadline = performance.now() + 30_000;
  while (latencies.length < expected && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 200));
  for (const ac of controllers) ac.abort();
  await Promise.allSettled(streams);
  await agent.close();
  await post.close();
  return {
    p50: pct(latencies, 50),
    p95: pct(latencies, 95),
    p99: pct(latencies, 99),
    ackP50: pct(acks, 50),
    ackP95: pct(acks, 95),
    seen: latencies.length,
    expected,
    sent: total,
  };
}

const rows: string[] = [];
for (const dialect of dialects as ('sqlite' | 'postgres')[]) {
  const bench = await seededDatabase(dialect);
  const { seedMs } = bench;
  if (PART === 'seed') {
    await bench.cleanup();
    continue;
  }
  try {
    const token = await prepareRun(bench.url);
    const hubStarted = performance.now();
    const hub = await startHub(bench.url, {
      COEXIST_DATA_DIR: mkdtempSync(join(tmpdir(), 'coexist-bench-inbox-data-')),
    });
    const agent = new Agent({ connections: 4, headersTimeout: 60_000, bodyTimeout: 60_000 });
    const get = async (path: string) => {
      const res = await request(`${hub.url}${path}`, {
        dispatcher: agent,
        headers: { authorization: `Bearer ${token}` },
      });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${text.slice(0, 200)}`);
      return JSON.parse(text);
    };
    const samples: Sample[] = [];
    const add = (s: Sample) => {
      samples.push(s);
      process.stdout.write(
        `  ${dialect}: ${s.label}: p50 ${fmt(pct(s.ms, 50))} ms, p95 ${fmt(pct(s.ms, 95))} ms (${machineLine().split(', load ')[1]})\n`,
      );
    };
    try {
      await get('/healthz');
      process.stdout.write(
        `  ${dialect}: hub answering ${((performance.now() - hubStarted) / 1000).toFixed(1)} s after its start\n`,
      );
      if (PART !== 'fanout') {
        add(
          await timed('conversation list, first page (50)', RUNS, () => get('/api/conversations?limit=50')),
        );
        add(
          await timed('conversation list, open only, first page (50)', RUNS, () =>
            get('/api/conversations?status=open&limit=50'),
          ),
        );
        const page = await get('/api/conversations?limit=50');
        add(
          await timed('conversation list, second page (keyset cursor)', RUNS, () =>
            get(`/api/conversations?limit=50&cursor=${encodeURIComponent(page.next_cursor)}`),
          ),
        );
        const all: number[] = [];
        for (const q of SEARCHES) {
          const s = await timed(`search "${q}"`, Math.max(5, Math.round(RUNS / 4)), () =>
            get(`/api/search?q=${encodeURIComponent(q)}`),
          );
          all.push(...s.ms);
          add(s);
        }
        add({ label: `search, all ${SEARCHES.length} queries`, ms: all });
        add(
          await timed(
            `open a conversation of ${BIG} messages (conversation + first 50 messages)`,
            RUNS,
            async () => {
              await Promise.all([
                get('/api/conversations/bv0'),
                get('/api/conversations/bv0/messages?limit=50'),
              ]);
            },
          ),
        );
        add(
          await timed('search within that conversation', Math.round(RUNS / 2), () =>
            get('/api/search?q=aguacate&conversation_id=bv0'),
          ),
        );
      }
      const cpuBefore = hubCpuMs(hub.child.pid);
      const fan = PART === 'reads' ? null : await fanOut(hub.url, token);
      const cpuMs = hubCpuMs(hub.child.pid) - cpuBefore;
      rows.push(
        `\n### ${dialect}: ${CONVERSATIONS.toLocaleString('en')} conversations, ${MESSAGES.toLocaleString('en')} messages (${seedMs ? `seeded in ${(seedMs / 1000).toFixed(0)} s` : 'cached seed'})\n`,
      );
      rows.push('| request | runs | p50 ms | p95 ms | max ms |');
      rows.push('| --- | --- | --- | --- | --- |');
      for (const s of samples)
        rows.push(
          `| ${s.label} | ${s.ms.length} | ${fmt(pct(s.ms, 50))} | ${fmt(pct(s.ms, 95))} | ${fmt(Math.max(...s.ms))} |`,
        );
      if (fan)
        rows.push(
          `| realtime: ${AGENTS} clients on /api/events, ${RATE} msg/s for ${FANOUT_SECONDS} s, webhook POST → client sees message.received | ${fan.seen.toLocaleString('en')} of ${fan.expected.toLocaleString('en')} deliveries | ${fmt(fan.p50)} | ${fmt(fan.p95)} | p99 ${fmt(fan.p99)} (the POSTs' acknowledgement: p50 ${fmt(fan.ackP50)}, p95 ${fmt(fan.ackP95)}; the hub's CPU ${fmt(cpuMs / fan.sent)} ms per message) |`,
        );
      process.stdout.write(`${rows.slice(-samples.length - (fan ? 4 : 3)).join('\n')}\n${machineLine()}\n`);
    } finally {
      await agent.close();
      await hub.stop();
    }
  } finally {
    await bench.cleanup();
  }
}
process.stdout.write(`\n${machineLine()}\n${rows.join('\n')}\n`);
