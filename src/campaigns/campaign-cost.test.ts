import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordConsent } from '../consent/consent-ledger.ts';
import { newId } from '../platform/ids.ts';
import { testDialects } from '../testing/databases.ts';
import { type OutboundEnv, PNID, startOutboundEnv } from '../testing/sandbox-env.ts';

// Recipients in six markets (US, Mexico, Brazil, UK, India, and one on the card's default price).
const WA_IDS = [
  '15550001',
  '5215550002',
  '5511950003',
  '447700900004',
  '919800000005',
  '8613800000006',
].flatMap((base) => [0, 1, 2].map((k) => `${base}${k}`));

describe.each(testDialects)('campaign cost: estimate before, actual from the statuses (%s)', (dialect) => {
  let env: OutboundEnv;
  beforeAll(async () => {
    env = await startOutboundEnv(dialect);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('the estimate matches the actual cost from the sandbox pricing within 2 %', async () => {
    const db = env.db.db;
    const now = Date.now();
    const ids: string[] = [];
    await db.transaction().execute(async (trx) => {
      for (const waId of WA_IDS) {
        const id = newId();
        ids.push(id);
        await trx
          .insertInto('contacts')
          .values({
            id,
            phone_number_id: PNID,
            wa_id: waId,
            bsuid: null,
            parent_bsuid: null,
            username: null,
            profile_name: `Cliente ${waId.slice(-3)}`,
            profile_name_at: null,
            address_book_name: null,
            address_book_first_name: null,
            in_address_book: 0,
            address_book_synced_at: null,
            marketing_opt_out: 0,
            marketing_opt_out_at: null,
            created_at: now,
            updated_at: now,
          })
          .execute();
        await recordConsent(trx, {
          contactId: id,
          numberId: PNID,
          scope: 'marketing',
          action: 'opt_in',
          source: 'api',
          wording: 'Yes, send me offers.',
          at: now,
        });
      }
    });
    const created = await env.api('POST', '/api/campaigns', {
      name: 'Costs',
      phone_number_id: PNID,
      template: { name: 'seasonal_promo', language: 'en_US' },
      parameters: {
        header: [{ value: 'Summer sale' }],
        body: [{ attribute: 'first_name', fallback: 'friend' }, { value: 'SUN25' }, { value: '25%' }],
        buttons: { '1': { value: 'summer' } },
      },
      audience: { contact_ids: ids },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const estimate = created.body.data.estimate;
    expect(estimate.recipients).toBe(WA_IDS.length);
    expect(new Set(estimate.lines.map((l: { country_code: string }) => l.country_code))).toEqual(
      new Set(['1', '52', '55', '44', '91', '*']),
    );
    expect(estimate.total).toBeGreaterThan(0);
    const id = created.body.data.id;
    expect((await env.api('POST', `/api/campaigns/${id}/start`, {})).status).toBe(200);
    const report = await env.waitFor(
      async () => {
        const r = (await env.api('GET', `/api/campaigns/${id}/report`)).body.data;
        // Priced by the `sent` status; `delivered` comes after it, a moment later.
        return r.campaign.state === 'completed' &&
          r.cost.priced_messages === WA_IDS.length &&
          r.campaign.progress.delivered === WA_IDS.length
          ? r
          : null;
      },
      'every message priced by its status and delivered',
      60_000,
    );
    expect(report.campaign.progress.delivered).toBe(WA_IDS.length);
    const started = report.campaign.estimate.total;
    expect(Math.abs(report.cost.actual - started) / started).toBeLessThanOrEqual(0.02);
    expect(Math.abs(report.cost.actual - estimate.total) / estimate.total).toBeLessThanOrEqual(0.02);
  }, 120_000);

  it('a utility campaign to customers inside their window: the estimate matches the statuses’ pricing within 2 %', async () => {
    // Two customers wrote (window open), two did not: since Oct 1, 2026 utility templates inside
    // an open window are charged too (cloud-api.md §6.4), so all four cost the utility price.
    const open = ['5215551100001', '5215551100002'];
    const closed = ['5215551100003', '5215551100004'];
    for (const waId of open) await env.customerWrites(waId, 'hola');
    for (const waId of closed)
      await env.sandbox.control.addCustomer({ waId, name: `Cliente ${waId.slice(-1)}` });
    const now = Date.now();
    const ids = await env.db.db
      .selectFrom('contacts')
      .select('id')
      .where('wa_id', 'in', open)
      .execute()
      .then((r) => r.map((x) => x.id));
    await env.db.db.transaction().execute(async (trx) => {
      for (const waId of closed) {
        const id = newId();
        ids.push(id);
        await trx
          .insertInto('contacts')
          .values({
            id,
            phone_number_id: PNID,
            wa_id: waId,
            bsuid: null,
            parent_bsuid: null,
            username: null,
            profile_name: null,
            profile_name_at: null,
            address_book_name: null,
            address_book_first_name: null,
            in_address_book: 0,
            address_book_synced_at: null,
            marketing_opt_out: 0,
            marketing_opt_out_at: null,
            created_at: now,
            updated_at: now,
          })
          .execute();
      }
    });
    const created = await env.api('POST', '/api/campaigns', {
      name: 'Recordatorios',
      phone_number_id: PNID,
      template: { name: 'appointment_reminder', language: 'en_US' },
      parameters: { body: [{ attribute: 'first_name', fallback: 'cliente' }, { value: 'lunes' }] },
      audience: { contact_ids: ids },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const estimate = created.body.data.estimate;
    expect(estimate.recipients).toBe(4);
    expect(estimate.billable_messages).toBe(4);
    const id = created.body.data.id;
    expect((await env.api('POST', `/api/campaigns/${id}/start`, {})).status).toBe(200);
    const report = await env.waitFor(
      async () => {
        const r = (await env.api('GET', `/api/campaigns/${id}/report`)).body.data;
        return r.campaign.state === 'completed' && r.cost.priced_messages === 4 ? r : null;
      },
      'every message priced by its status',
      60_000,
    );
    expect(report.cost.actual).toBeGreaterThan(0);
    expect(Math.abs(report.cost.actual - estimate.total) / estimate.total).toBeLessThanOrEqual(0.02);
  }, 120_000);
});
