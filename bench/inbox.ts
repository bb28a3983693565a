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
import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { Agent, request } from 'undici';
import { createApiToken } from '../src/auth/api-tokens.ts';
import { openDatabase } from '../src/database.ts';
import { seedNumber } from '../src/testing/seed.ts';
import { createBenchDatabase, machineLine, SECRET, startHub } from './hub-process.ts';

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 100_000);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2_000_000);
const BIG = Number(process.env.BENCH_BIG ?? 10_000);
const AGENTS = Number(process.env.BENCH_AGENTS ?? 200);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const FANOUT_SECONDS = Number(process.env.BENCH_FANOUT_SECONDS ?? 10);
const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',');
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

async function seed(url: string, dialect: 'sqlite' | 'postgres'): Promise<{ token: string; seedMs: number }> {
  const database = openDatabase(url);
  const { db } = database;
  const started = Date.now();
  await seedNumber(db, { id: PN, waba_id: WABA, onboarded_at: BASE, created_at: BASE, updated_at: BASE });
  const { token } = await createApiToken(db, {
    name: 'bench',
    rateLimitPerMinute: 10_000_000,
    now: Date.now(),
  });
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
      a.w || ' ' || b.w || ' ' || g.n, ${BASE}, null, null, 0, null, 0, null, '{}', ${BASE}, ${BASE}
    from (${series(CONVERSATIONS)}) g
    join ${sql.table(f)} a on a.i = g.n % ${FIRST.length}
    join ${sql.table(f)} b on b.i = (g.n / ${FIRST.length}) % ${FIRST.length}`.execute(db);
  const top = BASE + CONVERSATIONS * 10_000;
  await sql`
    insert into conversations (id, phone_number_id, contact_id, status, window_expires_at, last_customer_message_at,
      fep_expires_at, last_message_at, last_message_preview, unread_count, assignee_user_id, team_id, created_at, updated_at)
    select 'bv' || g.n, ${PN}, 'bc' || g.n, case when g.n % 5 = 0 then 'open' else 'resolved' end, null, null, null,
      case when g.n = 0 then ${top} else ${BASE} + g.n * 10000 end, 'preview of ' || g.n, 0, null, null, ${BASE}, ${BASE}
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
        ${ts}, ${ts}, case when g.n % 2 = 0 then 'received' else 'read' end, ${ts}, 0, '{}'${seqVal}
      from (select s.n + ${from} as n from (${series(n)}) s) g
      join bench_words w1 on w1.i = g.n % 256
      join bench_words w2 on w2.i = (g.n / 256) % 256
      join bench_words w3 on w3.i = (g.n * 7 + 3) % 256`.execute(db);
    process.stdout.write(
      `  ${dialect}: ${from + n} messages seeded (${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
    );
  }
  if (dialect === 'postgres') {
    await sql`
      insert into message_search (message_id, phone_number_id, conversation_id, contact_id, tsv)
      select id, phone_number_id, conversation_id, contact_id,
        to_tsvector('simple', coexist_unaccent(coexist_message_text(content_json, edited_content_json, deleted_at)))
      from messages`.execute(db);
    await sql`
      insert into contact_search (contact_id, phone_number_id, tsv)
      select id, phone_number_id, to_tsvector('simple', coexist_unaccent(concat_ws(' ', address_book_name, profile_name, username, wa_id)))
      from contacts`.execute(db);
    await sql`create index message_search_tsv on message_search using gin (tsv)`.execute(db);
    await sql`alter table messages enable trigger messages_search`.execute(db);
    await sql`alter table contacts enable trigger contacts_search`.execute(db);
    await sql`vacuum analyze`.execute(db);
  } else {
    await sql`analyze`.execute(db);
  }
  await sql`drop table bench_words`.execute(db);
  await sql`drop table bench_names`.execute(db);
  await database.close();
  return { token, seedMs: Date.now() - started };
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
): Promise<{ p50: number; p95: number; p99: number; seen: number; expected: number; sent: number }> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
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
    sentAt.set(wamid, performance.now());
    posts.push(
      request(`${hubUrl}/webhooks/meta`, {
        method: 'POST',
        dispatcher: post,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
        body,
      }).then((r) => r.body.dump()),
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
    seen: latencies.length,
    expected,
    sent: total,
  };
}

const rows: string[] = [];
for (const dialect of dialects as ('sqlite' | 'postgres')[]) {
  const bench = await createBenchDatabase(dialect);
  try {
    const { token, seedMs } = await seed(bench.url, dialect);
    const hub = await startHub(bench.url);
    const agent = new Agent({ connections: 4 });
    const get = async (path: string) => {
      const res = await request(`${hub.url}${path}`, {
        dispatcher: agent,
        headers: { authorization: `Bearer ${token}` },
      });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${text.slice(0, 200)}`);
      return JSON.parse(text);
    };
    try {
      const samples: Sample[] = [];
      samples.push(
        await timed('conversation list, first page (50)', 100, () => get('/api/conversations?limit=50')),
      );
      samples.push(
        await timed('conversation list, open only, first page (50)', 100, () =>
          get('/api/conversations?status=open&limit=50'),
        ),
      );
      const page = await get('/api/conversations?limit=50');
      samples.push(
        await timed('conversation list, second page (keyset cursor)', 100, () =>
          get(`/api/conversations?limit=50&cursor=${encodeURIComponent(page.next_cursor)}`),
        ),
      );
      samples.push(
        await timed(`search (${SEARCHES.length} queries in turn)`, 80, (i) =>
          get(`/api/search?q=${encodeURIComponent(SEARCHES[i % SEARCHES.length] as string)}`),
        ),
      );
      samples.push(
        await timed(
          `open a conversation of ${BIG} messages (conversation + first 50 messages)`,
          100,
          async () => {
            await Promise.all([
              get('/api/conversations/bv0'),
              get('/api/conversations/bv0/messages?limit=50'),
            ]);
          },
        ),
      );
      samples.push(
        await timed('search within that conversation', 50, () =>
          get('/api/search?q=aguacate&conversation_id=bv0'),
        ),
      );
      const fan = await fanOut(hub.url, token);
      rows.push(
        `\n### ${dialect}: seeded ${CONVERSATIONS.toLocaleString('en')} conversations and ${MESSAGES.toLocaleString('en')} messages in ${(seedMs / 1000).toFixed(0)} s\n`,
      );
      rows.push('| request | runs | p50 ms | p95 ms | max ms |');
      rows.push('| --- | --- | --- | --- | --- |');
      for (const s of samples)
        rows.push(
          `| ${s.label} | ${s.ms.length} | ${fmt(pct(s.ms, 50))} | ${fmt(pct(s.ms, 95))} | ${fmt(Math.max(...s.ms))} |`,
        );
      rows.push(
        `| realtime: ${AGENTS} clients on /api/events, ${RATE} msg/s for ${FANOUT_SECONDS} s, webhook POST → client sees message.received | ${fan.seen.toLocaleString('en')} of ${fan.expected.toLocaleString('en')} deliveries | ${fmt(fan.p50)} | ${fmt(fan.p95)} | p99 ${fmt(fan.p99)} |`,
      );
      process.stdout.write(`${rows.slice(-samples.length - 4).join('\n')}\n`);
    } finally {
      await agent.close();
      await hub.stop();
    }
  } finally {
    await bench.cleanup();
  }
}
process.stdout.write(`\n${machineLine()}\n${rows.join('\n')}\n`);
