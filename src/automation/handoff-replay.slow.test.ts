import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHumanReply } from '../outbound/automation-hold.ts';
import { sendMessage } from '../outbound/send-message.ts';
import { AppError } from '../platform/errors.ts';
import {
  type AutomationFixture,
  insertRule,
  PN,
  startAutomationFixture,
} from '../testing/automation-fixture.ts';
import { testDialects } from '../testing/databases.ts';

/**
 * The coexistence handoff invariant, replayed: thousands of simulated conversations with random
 * customer messages, agent replies (the inbox's send use-case) and owner echoes (signed webhooks),
 * some opened by imported history, delivered through the real webhook pipeline with faults on:
 * bodies duplicated, reordered and delayed. The engine, the dispatcher (the sender's claim and the
 * send policy at dispatch) and the deliveries run in a random order each tick.
 *
 * Checked from the database afterwards:
 * - no automated message passed dispatch after its conversation's first human reply was stored
 *   (nothing here resumes automation: no hand back, no resolve, under 30 simulated minutes);
 * - every live customer message ran the rule exactly once (duplicates did not run it twice), and
 *   echoes and history ran nothing: conversations with no live customer message have no run.
 */

// 10,000 conversations on each database by default (the bar); `COEXIST_REPLAY_COUNT` (SQLite)
// and `COEXIST_REPLAY_COUNT_PG` change the sizes while developing.
const COUNT: Record<string, number> = {
  sqlite: Number(process.env.COEXIST_REPLAY_COUNT ?? 10_000),
  postgres: Number(process.env.COEXIST_REPLAY_COUNT_PG ?? process.env.COEXIST_REPLAY_COUNT ?? 10_000),
};
const BATCH = 500;
const SEED = Number(process.env.COEXIST_REPLAY_SEED ?? 20261201);

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Op = 'customer' | 'echo' | 'agent';
type Item = { kind: 'customer' | 'echo'; payload: Record<string, unknown> };

describe.each(testDialects)('the handoff invariant under replay with faults (%s)', (dialect) => {
  let f: AutomationFixture;
  const count = COUNT[dialect] ?? 10_000;
  const stats = { bodies: 0, duplicated: 0, delayed: 0, agentReplies: 0, echoes: 0, customer: 0, history: 0 };

  beforeAll(async () => {
    f = await startAutomationFixture(dialect, { unsynced: true });
    await f.database.db
      .insertInto('automation_settings')
      .values({ phone_number_id: PN, human_silence_ms: 30 * 60_000, loop_cap_per_hour: 1000, updated_at: 0 })
      .execute();
    await insertRule(f.database.db, {
      trigger: { type: 'customer_message' },
      actions: [{ type: 'send', content: { type: 'text', text: { body: 'Thanks! A bot reply.' } } }],
    });
  });
  afterAll(async () => {
    await f?.close();
  });

  it(
    `${count} conversations: zero automated messages after a human reply, zero triggers from echoes or history`,
    async () => {
      const rnd = mulberry32(SEED);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
      let wamid = 0;
      const ts = () => String(Math.floor(f.h.clock.now() / 1000));
      const pending: { body: string; notBefore: number }[] = [];
      let tick = 0;

      const enqueueBodies = (items: Item[]) => {
        // Several conversations per webhook body, like Meta's batching; each body may be duplicated or delayed.
        const customers = items.filter((i) => i.kind === 'customer').map((i) => i.payload);
        const echoes = items.filter((i) => i.kind === 'echo').map((i) => i.payload);
        for (const [list, make] of [
          [customers, (xs: Record<string, unknown>[]) => f.inboundBody(xs)],
          [echoes, (xs: Record<string, unknown>[]) => f.echoBody(xs)],
        ] as const) {
          for (let i = 0; i < list.length; i += 10) {
            const body = make(list.slice(i, i + 10));
            const delayed = rnd() < 0.2;
            if (delayed) stats.delayed += 1;
            pending.push({ body, notBefore: tick + (delayed ? 1 + Math.floor(rnd() * 4) : 0) });
            if (rnd() < 0.1) {
              stats.duplicated += 1;
              pending.push({ body, notBefore: tick + Math.floor(rnd() * 5) });
            }
          }
        }
      };
      const deliverDue = async (all: boolean) => {
        const due = pending.filter((p) => all || p.notBefore <= tick);
        if (due.length === 0) return;
        for (const p of due) pending.splice(pending.indexOf(p), 1);
        // Reordered: due bodies go in a random order.
        due.sort(() => rnd() - 0.5);
        stats.bodies += due.length;
        await f.deliver(...due.map((p) => p.body));
      };

      for (let start = 0; start < count; start += BATCH) {
        const customers = Array.from(
          { length: Math.min(BATCH, count - start) },
          (_, i) => `57300${String(start + i).padStart(7, '0')}`,
        );
        // Some conversations begin with imported history (owner and customer messages of the past).
        const imported = customers.filter(() => rnd() < 0.1);
        if (imported.length > 0) {
          stats.history += imported.length;
          await f.deliver(
            f.historyBody(
              imported.map((waId) => ({
                id: waId,
                messages: [
                  {
                    from: waId,
                    id: `wamid.h${++wamid}`,
                    timestamp: '1739230955',
                    type: 'text',
                    text: { body: 'old question' },
                    history_context: { status: 'READ' },
                  },
                  {
                    from: '15550783881',
                    id: `wamid.h${++wamid}`,
                    timestamp: '1739230970',
                    type: 'text',
                    text: { body: 'old answer' },
                    history_context: { status: 'READ' },
                  },
                ],
              })),
            ),
          );
        }
        const scripts = new Map<string, Op[]>(
          customers.map((waId) => {
            const ops: Op[] = [];
            const length = 1 + Math.floor(rnd() * 4);
            for (let i = 0; i < length; i++) {
              const r = rnd();
              ops.push(r < 0.65 ? 'customer' : r < 0.85 ? 'echo' : 'agent');
            }
            return [waId, ops];
          }),
        );
        while ([...scripts.values()].some((ops) => ops.length > 0)) {
          tick += 1;
          f.step = tick;
          f.h.clock.advance(1_000);
          const items: Item[] = [];
          const agentReplies: string[] = [];
          for (const [waId, ops] of scripts) {
            if (ops.length === 0 || rnd() < 0.4) continue;
            const op = ops.shift() as Op;
            if (op === 'customer') {
              stats.customer += 1;
              items.push({
                kind: 'customer',
                payload: {
                  from: waId,
                  id: `wamid.c${++wamid}`,
                  timestamp: ts(),
                  type: 'text',
                  text: { body: pick(['hola', 'price?', 'ok', 'where is my order']) },
                },
              });
            } else if (op === 'echo') {
              stats.echoes += 1;
              items.push({
                kind: 'echo',
                payload: {
                  from: '15550783881',
                  to: waId,
                  id: `wamid.e${++wamid}`,
                  timestamp: ts(),
                  type: 'text',
                  text: { body: 'owner typing on the phone' },
                },
              });
            } else agentReplies.push(waId);
          }
          enqueueBodies(items);
          const phases: (() => Promise<unknown>)[] = [
            () => deliverDue(false),
            () => f.engine(),
            () => f.dispatch(),
            async () => {
              for (const waId of agentReplies) {
                const conversationId = await f.conversationOf(waId);
                if (!conversationId) continue; // The customer's first message is still delayed.
                try {
                  await sendMessage(f.h.deps, {
                    recipient: { conversationId },
                    content: { type: 'text', text: { body: 'An agent answers' } },
                    origin: 'agent',
                    authorUserId: 'u-agent',
                  });
                  stats.agentReplies += 1;
                } catch (error) {
                  // Only the owner started it (an echo) and the customer has not written: no window yet.
                  if (!(error instanceof AppError && error.code === 'MESSAGE_WINDOW_CLOSED')) throw error;
                }
              }
            },
          ];
          phases.sort(() => rnd() - 0.5);
          for (const phase of phases) await phase();
        }
        await deliverDue(true);
        await f.engine();
        await f.dispatch();
      }

      const db = f.database.db;
      // 1. No automated message passed dispatch after the first human reply of its conversation was stored.
      const firstHuman = new Map(
        (
          await db
            .selectFrom('messages')
            .select(['conversation_id', (eb) => eb.fn.min('seq').as('seq')])
            .where((eb) => isHumanReply(eb))
            .groupBy('conversation_id')
            .execute()
        ).map((r) => [r.conversation_id, Number(r.seq)]),
      );
      const bots = f.dispatched.filter((d) => d.origin === 'bot');
      const violations = bots.filter((d) => {
        const human = firstHuman.get(d.conversationId);
        return human !== undefined && human <= d.seqHorizon;
      });
      expect(violations).toEqual([]);

      // 2. Each live customer message ran the rule exactly once; echoes and history ran nothing.
      const customerMessages = await db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('origin', '=', 'customer')
        .executeTakeFirstOrThrow();
      const runs = await db
        .selectFrom('automation_runs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(runs.n)).toBe(Number(customerMessages.n));
      expect(Number(customerMessages.n)).toBe(stats.customer);
      const runsWithoutCustomer = await db
        .selectFrom('automation_runs')
        .select('automation_runs.id')
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('messages')
                .select('messages.id')
                .whereRef('messages.conversation_id', '=', 'automation_runs.conversation_id')
                .where('messages.origin', '=', 'customer'),
            ),
          ),
        )
        .execute();
      expect(runsWithoutCustomer).toEqual([]);

      // The replay exercised what it claims: bots answered, and human replies cancelled queued bot messages
      // both when humans took over (outbox `cancelled`) and at dispatch (failed AUTOMATION_PAUSED).
      const cancelled = await db
        .selectFrom('outbox_jobs')
        .innerJoin('automated_sends', 'automated_sends.message_id', 'outbox_jobs.message_id')
        .select(['outbox_jobs.state', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('outbox_jobs.state')
        .execute();
      const byState = Object.fromEntries(cancelled.map((c) => [c.state, Number(c.n)]));
      expect(bots.length).toBeGreaterThan(count / 4);
      expect(byState.cancelled ?? 0).toBeGreaterThan(0);
      expect(stats.duplicated).toBeGreaterThan(0);
      expect(stats.delayed).toBeGreaterThan(0);
      console.info(`replay ${dialect} seed ${SEED}:`, {
        conversations: count,
        ...stats,
        botsDispatched: bots.length,
        automatedJobs: byState,
      });
    },
    // Generous: about a minute on SQLite and three on PostgreSQL on a quiet 2-core machine; a
    // timeout here is not a timing assertion.
    Number(process.env.COEXIST_REPLAY_TIMEOUT_MS ?? 1_800_000),
  );
});
