import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordConsent } from '../consent/consent-ledger.ts';
import type { Dialect } from '../platform/db/database.ts';
import { newId } from '../platform/ids.ts';
import { testDialects } from './databases.ts';
import { type OutboundEnv, PNID, startOutboundEnv } from './sandbox-env.ts';

/**
 * The campaign's consent property, end to end through the real hub (fan-out job, enqueueSend, the
 * one send policy, the sender) and the sandbox over HTTP: a 10,000-recipient marketing campaign at
 * the coexistence throughput of 20 messages per second while random recipients opt out during the
 * send, by keyword (BAJA), by Meta's `user_preferences` webhook and by a 131050 error. It runs at the
 * number's real 20 messages per second, so one database takes over eight minutes of wall time,
 * nearly all of it waiting: each database has its own test file so the two run in parallel.
 */
const MPS = 20;
/** Recipients of the campaign; `COEXIST_CAMPAIGN_PROPERTY_COUNT` makes it smaller while developing. */
const RECIPIENTS = Number(process.env.COEXIST_CAMPAIGN_PROPERTY_COUNT ?? 10_000);
/** How often the test looks at the hub while the campaign sends (it runs beside other suites). */
const POLL_MS = 2_000;

/** Polls `check` every {@link POLL_MS} (a database read, not the API) until it holds. */
async function poll(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

// biome-ignore lint/suspicious/noExplicitAny: tests read loosely typed API answers.
type Loose = any;

const waIdOf = (i: number) => `3460${String(i).padStart(7, '0')}`;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const PROMO_PARAMETERS = {
  header: [{ value: 'Summer sale' }],
  body: [
    { attribute: 'first_name', fallback: 'friend' },
    { attribute: 'code', fallback: 'SUN25' },
    { value: '25%' },
  ],
  buttons: { '1': { value: 'summer' } },
};

/** The property on one database (a test file per database: `campaign-consent.<dialect>.property.test.ts`). */
export function describeCampaignConsentProperty(dialect: Dialect): void {
  describe.skipIf(!testDialects.includes(dialect))(
    `a ${RECIPIENTS.toLocaleString('en')}-recipient campaign under opt-outs during the send (${dialect})`,
    () => {
      let env: OutboundEnv;
      const n = RECIPIENTS;
      const t0 = Date.now();
      const phase = (what: string) =>
        console.log(`[campaign property ${dialect}] ${what} at ${Math.round((Date.now() - t0) / 1000)} s`);
      beforeAll(async () => {
        env = await startOutboundEnv(dialect, { sandbox: { statusDelays: false, deliveryErrors: 'sync' } });
      }, 60_000);
      afterAll(async () => {
        await env?.close();
      });

      it('sends no marketing message after an opt-out is recorded, none without consent, and records every refusal', async () => {
        const db = env.db.db;
        const random = rng(12345);
        const now = Date.now();
        const ids: string[] = [];
        const noConsent = new Set<number>();
        // The contacts: 5 % never opted in (the default policy requires an opt-in), the rest opted in by CSV.
        await db.transaction().execute(async (trx) => {
          for (let i = 0; i < n; i += 500) {
            const rows = [];
            for (let j = i; j < Math.min(n, i + 500); j++) {
              const id = newId();
              ids.push(id);
              rows.push({
                id,
                phone_number_id: PNID,
                wa_id: waIdOf(j),
                bsuid: null,
                parent_bsuid: null,
                username: null,
                profile_name: j % 3 === 0 ? null : `Cliente ${j}`,
                profile_name_at: null,
                address_book_name: null,
                address_book_first_name: null,
                in_address_book: 0,
                address_book_synced_at: null,
                marketing_opt_out: 0,
                marketing_opt_out_at: null,
                attributes_json: j % 2 === 0 ? JSON.stringify({ code: `C${j}` }) : '{}',
                created_at: now,
                updated_at: now,
              });
            }
            await trx.insertInto('contacts').values(rows).execute();
          }
          for (let j = 0; j < n; j++) {
            if (random() < 0.05) {
              noConsent.add(j);
              continue;
            }
            await recordConsent(trx, {
              contactId: ids[j]!,
              numberId: PNID,
              scope: 'marketing',
              action: 'opt_in',
              source: 'csv_import',
              wording: 'Sí, quiero recibir ofertas por WhatsApp.',
              evidence: `import row ${j}`,
              at: now - 86_400_000,
              now,
            });
          }
        });
        phase('contacts and consent seeded');
        // Who opts out, and how: a keyword, Meta's user_preferences webhook, or a 131050 error (the
        // customer stopped marketing on the phone and the hub never heard of it before the send).
        const optedIn = [...Array(n).keys()].filter((j) => !noConsent.has(j));
        const pick = (k: number) => {
          const out: number[] = [];
          while (out.length < k) {
            const j = optedIn[Math.floor(random() * optedIn.length)]!;
            if (!out.includes(j)) out.push(j);
          }
          return out;
        };
        const chosen = pick(Math.round(n * 0.03));
        const keyword = chosen.filter((_, i) => i % 3 === 0);
        const prefs = chosen.filter((_, i) => i % 3 === 1);
        const stopped = chosen.filter((_, i) => i % 3 === 2);
        for (const j of [...keyword, ...prefs, ...stopped]) {
          await env.sandbox.control.addCustomer({ waId: waIdOf(j), name: `Cliente ${j}` } as Loose);
        }
        for (const j of stopped) {
          const c = env.sandbox.world.customers[waIdOf(j)];
          if (c) c.marketingStopped = true;
        }

        const created = await env.api('POST', '/api/campaigns', {
          name: 'Rebajas',
          phone_number_id: PNID,
          template: { name: 'seasonal_promo', language: 'en_US' },
          parameters: PROMO_PARAMETERS,
          audience: { filter: { phone_number_id: PNID } },
        });
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        expect(created.body.data.estimate.excluded.CONTACT_NOT_OPTED_IN).toBe(noConsent.size);
        phase('campaign created with its estimate');
        const id = created.body.data.id;
        const started = await env.api('POST', `/api/campaigns/${id}/start`, {});
        expect(started.status, JSON.stringify(started.body)).toBe(200);

        // The opt-outs arrive at random moments while the campaign sends.
        const sendMs = (n / MPS) * 1000;
        const triggers: Promise<unknown>[] = [];
        for (const j of keyword) {
          triggers.push(
            new Promise((r) => setTimeout(r, random() * sendMs)).then(() =>
              env.sandbox.control.customerText(waIdOf(j), 'BAJA'),
            ),
          );
        }
        for (const j of prefs) {
          triggers.push(
            new Promise((r) => setTimeout(r, random() * sendMs)).then(() =>
              env.sandbox.control.setMarketing(waIdOf(j), true),
            ),
          );
        }
        await Promise.all(triggers);
        phase('opt-outs sent');
        await poll(
          async () =>
            (await db.selectFrom('campaigns').select('state').where('id', '=', id).executeTakeFirstOrThrow())
              .state === 'completed',
          'the campaign to complete',
          sendMs * 2 + 120_000,
        );
        phase('campaign completed');
        await env.sandbox.idle();
        // Let the last opt-out webhooks be applied.
        let recorded: Record<string, number> = {};
        await poll(
          async () => {
            const rows = await db
              .selectFrom('consent_records')
              .select(['source', (eb) => eb.fn.countAll<number | string>().as('n')])
              .where('action', '=', 'opt_out')
              .groupBy('source')
              .execute();
            recorded = Object.fromEntries(rows.map((r) => [r.source, Number(r.n)]));
            return (
              Object.values(recorded).reduce((a, b) => a + b, 0) >=
              keyword.length + prefs.length + stopped.length
            );
          },
          'every opt-out to be recorded',
          180_000,
        ).catch((error: Error) => {
          const lag = `expected keyword ${keyword.length}, user_preferences ${prefs.length}, 131050 ${stopped.length}; recorded ${JSON.stringify(recorded)}`;
          throw new Error(`${error.message} (${lag})`);
        });
        phase(`opt-outs recorded ${JSON.stringify(recorded)}`);

        // What reached the sandbox: every marketing template accepted, by recipient, with its time.
        const reached = new Map<string, number[]>();
        for (const m of Object.values(env.sandbox.world.messages)) {
          if (m.direction !== 'out' || m.templateCategory !== 'MARKETING' || m.errorCode !== null) continue;
          reached.set(m.waId, [...(reached.get(m.waId) ?? []), m.timestamp]);
        }
        // 1. Nothing after an opt-out was recorded.
        const optOuts = await db
          .selectFrom('consent_records as r')
          .innerJoin('contacts as c', 'c.id', 'r.contact_id')
          .select(['c.wa_id', 'r.recorded_at', 'r.source'])
          .where('r.action', '=', 'opt_out')
          .execute();
        const sources = new Set(optOuts.map((o) => o.source));
        expect(sources).toEqual(new Set(['keyword', 'meta_user_preferences', 'error_131050']));
        // A message already handed to Meta (claimed by the sender, HTTP request in flight) when the opt-out
        // committed can still arrive after it; no send may be *decided* after the opt-out was recorded.
        const claims = await db
          .selectFrom('campaign_recipients as r')
          .innerJoin('contacts as c', 'c.id', 'r.contact_id')
          .innerJoin('outbox_jobs as o', 'o.message_id', 'r.message_id')
          .select(['c.wa_id', 'o.dispatched_at'])
          .execute();
        const claimedAt = new Map(claims.map((c) => [c.wa_id ?? '', c.dispatched_at]));
        const after = optOuts.filter((o) =>
          (reached.get(o.wa_id ?? '') ?? []).some((t) => t > o.recorded_at),
        );
        const decidedAfter = after.filter((o) => (claimedAt.get(o.wa_id ?? '') ?? 0) > o.recorded_at);
        expect(decidedAfter).toEqual([]);
        console.log(
          `[campaign property ${dialect}] reached after the opt-out was recorded: ${after.length} (claimed before it: in flight)`,
        );
        // 2. Nothing to a contact without consent.
        for (const j of noConsent) expect(reached.has(waIdOf(j))).toBe(false);
        // 3. Every recipient either reached the sandbox or has a recorded reason.
        const recipients = await db
          .selectFrom('campaign_recipients as r')
          .innerJoin('contacts as c', 'c.id', 'r.contact_id')
          .leftJoin('messages as m', 'm.id', 'r.message_id')
          .select(['c.wa_id', 'r.state', 'r.refusal_code', 'm.status', 'm.error_json'])
          .where('r.campaign_id', '=', id)
          .execute();
        expect(recipients).toHaveLength(n);
        let delivered = 0;
        const reasons: Record<string, number> = {};
        for (const r of recipients) {
          if (reached.has(r.wa_id ?? '')) {
            delivered++;
            continue;
          }
          const reason =
            r.state === 'refused'
              ? r.refusal_code
              : r.status === 'failed'
                ? String((JSON.parse(r.error_json ?? '{}') as Loose).code ?? '')
                : null;
          expect(reason, `${r.wa_id} ${r.state} ${r.status}`).toBeTruthy();
          reasons[reason!] = (reasons[reason!] ?? 0) + 1;
        }
        expect(reasons.CONTACT_NOT_OPTED_IN).toBe(noConsent.size);
        expect(delivered + Object.values(reasons).reduce((a, b) => a + b, 0)).toBe(n);
        // The report says the same.
        const report = (await env.api('GET', `/api/campaigns/${id}/report`)).body.data;
        expect(report.campaign.progress.refused_by_reason.CONTACT_NOT_OPTED_IN).toBe(noConsent.size);
        console.log(
          `[campaign property ${dialect}] recipients=${n} reached=${delivered} refusals=${JSON.stringify(reasons)} opt-outs=${optOuts.length}`,
        );
      }, 1_800_000);
    },
  );
}
