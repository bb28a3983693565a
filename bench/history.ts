/**
 * `npm run bench:history`: a history import into a real hub process (`coexist serve`) on SQLite
 * (and PostgreSQL with `BENCH_DIALECTS=sqlite,postgres`): 2,000 contacts × 50 messages = 100,000
 * messages in Meta's shape (`history` webhooks, phases 0-2, chunks of `BENCH_HISTORY_CHUNK`
 * messages grouped by thread, delivered out of order with the progress-100 chunk last), signed and
 * POSTed over loopback by `BENCH_HISTORY_SENDERS` concurrent senders. Reports the time until every
 * message is applied, and checks the import progress throughout: it never goes back, and the
 * import is never reported complete before every message is stored.
 */
import { createHmac } from 'node:crypto';
import {
  createBenchDatabase,
  type Hub,
  machineLine,
  messageCount,
  observe,
  SECRET,
  startHub,
} from './hub-process.ts';

const contacts = Number(process.env.BENCH_HISTORY_CONTACTS ?? 2_000);
const perContact = Number(process.env.BENCH_HISTORY_PER_CONTACT ?? 50);
const chunkSize = Number(process.env.BENCH_HISTORY_CHUNK ?? 400);
const senders = Number(process.env.BENCH_HISTORY_SENDERS ?? 4);
const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite').split(',') as ('sqlite' | 'postgres')[];
const BUSINESS = '15550783881';
const PN = '106540352242922';
const WABA = '102290129340398';
const DAY = 86_400_000;

/** A small seeded PRNG, so every run imports the same history. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

type Item = { thread: string; ts: number; wire: Record<string, unknown> };

/** The history webhooks of one import, in delivery order. */
function historyBodies(): { bodies: string[]; total: number } {
  const rand = rng(7);
  const onboardedAt = Date.UTC(2026, 10, 1);
  const items: Item[] = [];
  for (let c = 0; c < contacts; c++) {
    const thread = `1650${String(1_000_000 + c)}`;
    for (let i = 0; i < perContact; i++) {
      const roll = rand();
      const age =
        roll < 0.15 ? rand() * DAY : roll < 0.65 ? DAY + rand() * 89 * DAY : 90 * DAY + rand() * 89 * DAY;
      const ts = Math.floor(onboardedAt - age);
      const fromBusiness = rand() < 0.5;
      items.push({
        thread,
        ts,
        wire: {
          from: fromBusiness ? BUSINESS : thread,
          ...(fromBusiness ? { to: thread } : {}),
          id: `wamid.HIST${c}x${i}`,
          timestamp: String(Math.floor(ts / 1000)),
          type: 'text',
          text: { body: `message ${i} with contact ${c}` },
          history_context: { status: fromBusiness ? 'READ' : 'DELIVERED' },
        },
      });
    }
  }
  items.sort((a, b) => a.ts - b.ts);
  const phaseOf = (ts: number) => {
    const age = onboardedAt - ts;
    return age < DAY ? 0 : age < 90 * DAY ? 1 : 2;
  };
  const chunks: { phase: number; order: number; items: Item[] }[] = [];
  for (const phase of [0, 1, 2]) {
    const inPhase = items.filter((it) => phaseOf(it.ts) === phase).reverse();
    for (let i = 0, order = 1; i < inPhase.length; i += chunkSize, order++) {
      chunks.push({ phase, order, items: inPhase.slice(i, i + chunkSize) });
    }
  }
  let done = 0;
  const bodies = chunks.map((c) => {
    done += c.items.length;
    const progress = done === items.length ? 100 : Math.floor((done / items.length) * 100);
    const threads = new Map<string, Record<string, unknown>[]>();
    for (const it of c.items) threads.set(it.thread, [...(threads.get(it.thread) ?? []), it.wire]);
    return JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA,
          changes: [
            {
              field: 'history',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: BUSINESS, phone_number_id: PN },
                history: [
                  {
                    metadata: { phase: c.phase, chunk_order: c.order, progress },
                    threads: [...threads].map(([id, messages]) => ({ id, messages })),
                  },
                ],
              },
            },
          ],
        },
      ],
    });
  });
  // Out of order, except that the final chunk (progress 100) comes last.
  const last = bodies.pop() as string;
  for (let i = bodies.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [bodies[i], bodies[j]] = [bodies[j] as string, bodies[i] as string];
  }
  return { bodies: [...bodies, last], total: items.length };
}

async function post(url: string, body: string): Promise<void> {
  const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
  for (;;) {
    const res = await fetch(`${url}/webhooks/meta`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
      body,
    });
    if (res.status === 200) return;
    // Meta retries what was not acknowledged; so does the benchmark.
    await new Promise((r) => setTimeout(r, 200));
  }
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const { bodies, total } = historyBodies();
const mb = bodies.reduce((n, b) => n + b.length, 0) / 1e6;
out(machineLine());
out(
  `history: ${contacts} contacts × ${perContact} = ${total} messages in ${bodies.length} webhooks of up to ${chunkSize} messages (${mb.toFixed(1)} MB), ${senders} senders`,
);
out('| database | all acknowledged after | all applied after | messages applied/s | progress checks |');
out('| --- | --- | --- | --- | --- |');

for (const dialect of dialects) {
  const target = await createBenchDatabase(dialect);
  const counters = observe(target.url);
  let hub: Hub | null = null;
  try {
    hub = await startHub(target.url);
    const url = hub.url;
    const started = Date.now();
    let next = 0;
    let ackedAt = 0;
    const sending = Promise.all(
      Array.from({ length: senders }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++] as string;
          await post(url, body);
        }
      }),
    ).then(() => {
      ackedAt = Date.now();
    });
    // Progress as the hub reports it, against what is really stored, sampled throughout.
    const problems: string[] = [];
    let samples = 0;
    let lastProgress = 0;
    let applied = 0;
    for (;;) {
      const number = await counters.db
        .selectFrom('phone_numbers')
        .select(['history_progress', 'history_state'])
        .where('id', '=', PN)
        .executeTakeFirst();
      applied = await messageCount(counters, 'history');
      samples++;
      if (number) {
        if (number.history_progress < lastProgress) {
          problems.push(`progress went back from ${lastProgress} to ${number.history_progress}`);
        }
        lastProgress = number.history_progress;
        if (number.history_state === 'complete' && applied < total) {
          problems.push(`complete with ${applied} of ${total} messages stored`);
        }
      }
      if (applied >= total && number?.history_state === 'complete') break;
      if (Date.now() - started > 600_000) {
        problems.push(`gave up after 600 s with ${applied} of ${total} applied`);
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const appliedMs = Date.now() - started;
    await sending;
    out(
      `| ${dialect} | ${((ackedAt - started) / 1000).toFixed(1)} s | **${(appliedMs / 1000).toFixed(1)} s** | ${Math.round(applied / (appliedMs / 1000))} | ${problems.length === 0 ? `right throughout (${samples} samples: never back, complete only with all ${total} stored)` : problems.slice(0, 3).join('; ')} |`,
    );
  } finally {
    await hub?.stop();
    await counters.close();
    await target.cleanup();
  }
}
