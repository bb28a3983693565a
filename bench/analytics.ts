/**
 * `npm run bench:analytics`: 1,000,000 messages (and their events) on SQLite and PostgreSQL, the
 * rollups rebuilt from the event log (`recomputeAnalytics`, timed), then the hub as a real process
 * and every report API timed over a 90-day range (p50/p95). Prints a Markdown table for
 * docs/benchmarks.md.
 *
 * Each conversation: opened, 5 customer messages each answered (by an agent, the Business app or
 * the bot), an assignment, a priced status of the first reply, and a resolution.
 */
import { sql } from 'kysely';
import { recomputeAnalytics } from '../src/analytics/recompute.ts';
import { createApiToken } from '../src/auth/api-tokens.ts';
import { openDatabase } from '../src/database.ts';
import { hubJobs, hubSubscribers } from '../src/hub.ts';
import { ensureRecurringJobs } from '../src/platform/jobs/job.repository.ts';
import { seedNumber } from '../src/testing/seed.ts';
import { createBenchDatabase, machineLine, startHub } from './hub-process.ts';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
const PER_CONVERSATION = 10;
const CONVERSATIONS = Math.ceil(MESSAGES / PER_CONVERSATION);
const TIMES = Number(process.env.BENCH_TIMES ?? 30);
const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as ('sqlite' | 'postgres')[];
const PN = '106540352242922';
const WABA = '102290129340398';
const DAYS = 90;
const BASE = Date.UTC(2026, 7, 1);
const SPREAD = Math.floor((DAYS * 86_400_000) / CONVERSATIONS);
const CHUNK = 20_000;
/** Seeding and the recompute are long statements; the hub itself keeps its own timeouts. */
const LONG = { timeouts: { statementMs: 1_800_000, connectMs: 10_000, busyMs: 120_000 } };

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] ?? 0;
};

function series(dialect: string, from: number, n: number) {
  return dialect === 'postgres'
    ? sql.raw(`select generate_series(${from}, ${from + n - 1})::bigint as n`)
    : sql.raw(
        `with recursive s(n) as (select ${from} union all select n + 1 from s where n < ${from + n - 1}) select n from s`,
      );
}

/** Set-based seeding: the messages, then the events in log order per conversation. */
async function seed(url: string, dialect: 'sqlite' | 'postgres'): Promise<{ token: string; seedMs: number }> {
  const database = openDatabase(url, LONG);
  const { db } = database;
  const started = Date.now();
  await seedNumber(db, { id: PN, waba_id: WABA, onboarded_at: BASE, created_at: BASE, updated_at: BASE });
  const { token } = await createApiToken(db, {
    name: 'bench',
    role: 'admin',
    rateLimitPerMinute: 10_000_000,
    now: Date.now(),
  });
  if (dialect === 'postgres') {
    // Other features' search triggers are not what this measures; they are off while loading.
    await sql`alter table messages disable trigger user`.execute(db).catch(() => {});
    await sql`alter table contacts disable trigger user`.execute(db).catch(() => {});
  }
  for (let from = 0; from < CONVERSATIONS; from += CHUNK) {
    const n = Math.min(CHUNK, CONVERSATIONS - from);
    const start = sql.raw(`(${BASE} + g.n * ${SPREAD})`);
    await sql`
      insert into contacts (id, phone_number_id, wa_id, bsuid, parent_bsuid, username, profile_name, profile_name_at,
        address_book_name, address_book_first_name, in_address_book, address_book_synced_at, marketing_opt_out,
        marketing_opt_out_at, attributes_json, created_at, updated_at)
      select 'bc' || g.n, ${PN}, '34' || (600000000 + g.n), null, null, null, 'Customer ' || g.n, ${BASE}, null, null,
        0, null, 0, null, '{}', ${BASE}, ${BASE}
      from (${series(dialect, from, n)}) g`.execute(db);
    await sql`
      insert into conversations (id, phone_number_id, contact_id, status, window_expires_at, last_customer_message_at,
        fep_expires_at, last_message_at, last_message_preview, unread_count, assignee_user_id, team_id, created_at, updated_at)
      select 'bv' || g.n, ${PN}, 'bc' || g.n, 'resolved', null, null, null, ${start}, '', 0,
        'agent-' || (g.n % 20), 'team-' || (g.n % 4), ${start}, ${start}
      from (${series(dialect, from, n)}) g`.execute(db);
  }
  // Message m: conversation m / 10, slot k = m % 10; even k the customer, odd k the answer 90 s later.
  // The answer: the Business app for conversations ≡ 0, 1 (mod 10), the bot for ≡ 2, else an agent.
  const conv = sql.raw(`(g.n / ${PER_CONVERSATION})`);
  const k = sql.raw(`(g.n % ${PER_CONVERSATION})`);
  const at = sql.raw(
    `(${BASE} + (g.n / ${PER_CONVERSATION}) * ${SPREAD} + (g.n % ${PER_CONVERSATION}) * 90000 + (g.n * 7919) % 45000)`,
  );
  const origin = sql.raw(
    `case when g.n % 2 = 0 then 'customer' when (g.n / 10) % 10 < 2 then 'business_app' when (g.n / 10) % 10 = 2 then 'bot' else 'agent' end`,
  );
  const seqCol = dialect === 'sqlite' ? sql.raw(', seq') : sql.raw('');
  const seqVal = dialect === 'sqlite' ? sql.raw(', g.n + 1') : sql.raw('');
  for (let from = 0; from < MESSAGES; from += 250_000) {
    const n = Math.min(250_000, MESSAGES - from);
    await sql`
      insert into messages (id, phone_number_id, conversation_id, contact_id, wamid, direction, origin, author_user_id,
        type, content_json, timestamp, received_at, status, status_at, status_rank, reactions_json, pricing_json${seqCol})
      select 'bm' || g.n, ${PN}, 'bv' || ${conv}, 'bc' || ${conv}, 'wamid.bm' || g.n,
        case when g.n % 2 = 0 then 'inbound' else 'outbound' end, ${origin},
        case when g.n % 2 = 1 then 'agent-' || (${conv} % 20) else null end, 'text', '{"body":"hello"}', ${at}, ${at},
        case when g.n % 2 = 0 then 'received' else 'delivered' end, ${at}, 0, '{}',
        case when ${k} = 1 and ${conv} % 3 = 0 then '{"billable":true,"pricing_model":"PMP","type":"regular","category":"service"}'
             when ${k} = 1 then '{"billable":false,"pricing_model":"PMP","type":"free_customer_service","category":"service"}'
             else null end${seqVal}
      from (${series(dialect, from, n)}) g`.execute(db);
    process.stdout.write(
      `  ${dialect}: ${from + n} messages (${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
    );
  }
  // Events: per conversation 14 slots in log order — opened, message 0, assigned, messages 1-9,
  // the first answer's status, resolved.
  const SLOTS = 14;
  for (let from = 0; from < CONVERSATIONS; from += CHUNK) {
    const n = Math.min(CHUNK, CONVERSATIONS - from);
    const cS = `(g.n / ${SLOTS})`;
    // The message of a message slot: slot 1 → 0, slots 3..11 → 1..9.
    const mkS = `(case when g.n % ${SLOTS} = 1 then 0 else g.n % ${SLOTS} - 2 end)`;
    const mS = `(${cS} * 10 + ${mkS})`;
    const t0S = `(${BASE} + ${cS} * ${SPREAD})`;
    const c = sql.raw(cS);
    const slot = sql.raw(`(g.n % ${SLOTS})`);
    const mk = sql.raw(mkS);
    const t0 = sql.raw(t0S);
    const mAt = sql.raw(`(${t0S} + ${mkS} * 90000 + (${mS} * 7919) % 45000)`);
    const ref = sql.raw(`'"message_id":"bm' || ${mS} || '","conversation_id":"bv' || ${cS} || '"'`);
    const answerBy = sql.raw(`(${cS} % 10)`);
    await sql`
      insert into domain_events (type, fact, phone_number_id, payload_json, created_at)
      select
        case when ${slot} in (0, 2, 13) then 'conversation.changed' when ${slot} = 12 then 'message.changed' else 'message.added' end,
        case when ${slot} = 0 then 'conversation.opened'
             when ${slot} = 2 then 'conversation.assigned'
             when ${slot} = 12 then 'message.status_changed'
             when ${slot} = 13 then 'conversation.resolved'
             when ${mk} % 2 = 0 then 'message.received'
             when ${answerBy} < 2 then 'message.echoed'
             else 'message.sent' end,
        ${PN},
        case when ${slot} = 0 then '{"conversation_id":"bv' || ${c} || '","contact_id":"bc' || ${c} || '"}'
             when ${slot} = 2 then '{"conversation_id":"bv' || ${c} || '","from_user_id":null,"to_user_id":"agent-' || (${c} % 20) || '","actor":null}'
             when ${slot} = 12 then '{"message_id":"bm' || (${c} * 10 + 1) || '","conversation_id":"bv' || ${c} || '","from":"sent","to":"delivered"}'
             when ${slot} = 13 then '{"conversation_id":"bv' || ${c} || '","actor":null}'
             when ${mk} % 2 = 0 then '{' || ${ref} || ',"contact_id":"bc' || ${c} || '","wamid":null,"content_type":"text"}'
             when ${answerBy} < 2 then '{' || ${ref} || ',"wamid":null,"content_type":"text"}'
             when ${answerBy} = 2 then '{' || ${ref} || ',"origin":"bot","actor":null}'
             else '{' || ${ref} || ',"origin":"agent","actor":{"kind":"user","id":"agent-' || (${c} % 20) || '"}}' end,
        case when ${slot} = 0 then ${t0}
             when ${slot} = 2 then ${t0} + 30000
             when ${slot} = 12 then ${t0} + 95000
             when ${slot} = 13 then ${t0} + 1000000
             else ${mAt} end
      from (${series(dialect, from * SLOTS, n * SLOTS)}) g
      order by g.n`.execute(db);
  }
  if (dialect === 'postgres') {
    await sql`alter table messages enable trigger user`.execute(db).catch(() => {});
    await sql`alter table contacts enable trigger user`.execute(db).catch(() => {});
    await sql`vacuum analyze`.execute(db);
  } else await sql`analyze`.execute(db);
  await database.close();
  return { token, seedMs: Date.now() - started };
}

const REPORTS = [
  'overview',
  'agents',
  'teams',
  'numbers',
  'responders',
  'busiest-hours',
  'costs',
  'campaigns',
  'overview&business_hours=true',
];

const results: string[] = [];
for (const dialect of dialects) {
  const bench = await createBenchDatabase(dialect);
  try {
    process.stdout.write(`${dialect}: seeding ${MESSAGES} messages\n`);
    const { token, seedMs } = await seed(bench.url, dialect);
    const database = openDatabase(bench.url, LONG);
    const events = await database.db
      .selectFrom('domain_events')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const t = Date.now();
    const recomputed = await recomputeAnalytics(database.db, { dialect, now: Date.now() });
    const recomputeMs = Date.now() - t;
    // The hub's other subscribers start at the end of the log: the measurement is the reports, not a backlog.
    const last = recomputed.toId;
    for (const s of hubSubscribers) {
      await database.db
        .insertInto('event_cursors')
        .values({
          subscriber: s.name,
          position: last,
          lease_owner: null,
          lease_until: null,
          updated_at: Date.now(),
        })
        .onConflict((oc) => oc.column('subscriber').doUpdateSet({ position: last }))
        .execute();
    }
    // The set-based seed leaves the hub's recurring upkeep a backlog real traffic never builds up
    // at once (1,000,000 messages for the archive to enter, 1,400,000 old events to prune), and on
    // SQLite that work holds the one writer and the event loop. The measurement is the reports:
    // every recurring job is deferred by a day while they are timed.
    const jobsDb = database.db as unknown as Parameters<typeof ensureRecurringJobs>[0];
    await ensureRecurringJobs(jobsDb, hubJobs, Date.now());
    await database.db
      .updateTable('jobs')
      .set({ run_at: Date.now() + 86_400_000 })
      .where('key', 'like', 'recurring:%')
      .where('state', '=', 'pending')
      .execute();
    await database.close();
    process.stdout.write(
      `${dialect}: seeded in ${(seedMs / 1000).toFixed(0)} s; recompute of ${recomputed.events} of ${Number(events.n)} events in ${(recomputeMs / 1000).toFixed(1)} s (${recomputed.rollupRows} rollup rows)\n`,
    );
    const hub = await startHub(bench.url);
    try {
      const from = new Date(BASE).toISOString();
      const to = new Date(BASE + DAYS * 86_400_000).toISOString();
      for (const report of REPORTS) {
        const [path, extra] = report.split('&');
        const url = `${hub.url}/api/reports/${path}?from=${from}&to=${to}&time_zone=America/Sao_Paulo${extra ? `&${extra}` : ''}`;
        const call = async () => {
          const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
          if (res.status !== 200) throw new Error(`${report}: HTTP ${res.status} ${await res.text()}`);
          await res.arrayBuffer();
        };
        for (let i = 0; i < 3; i++) await call();
        const ms: number[] = [];
        for (let i = 0; i < TIMES; i++) {
          const s = performance.now();
          await call();
          ms.push(performance.now() - s);
        }
        const line = `| ${dialect} | \`${report.replace('&', '?')}\` | ${pct(ms, 0.5).toFixed(1)} | ${pct(ms, 0.95).toFixed(1)} |`;
        results.push(line);
        process.stdout.write(`${line}\n`);
      }
    } finally {
      await hub.stop();
    }
    results.push(
      `| ${dialect} | recompute (${recomputed.events.toLocaleString('en')} events → ${recomputed.rollupRows.toLocaleString('en')} rows) | ${recomputeMs} (once) | |`,
    );
  } finally {
    await bench.cleanup();
  }
}

process.stdout.write(
  `\n${MESSAGES.toLocaleString('en')} messages, ${CONVERSATIONS.toLocaleString('en')} conversations over ${DAYS} days, ${TIMES} calls each over the whole range\n${machineLine()}\n\n| database | report | p50 ms | p95 ms |\n| --- | --- | --- | --- |\n${results.join('\n')}\n`,
);
