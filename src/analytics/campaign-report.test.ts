import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_CARD, priceOf } from '../costs/rate-card.ts';
import type { MessageStatus } from '../messages/message.table.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../testing/databases.ts';
import {
  NUMBER,
  OTHER_NUMBER,
  OTHER_WABA,
  seedContact,
  seedConversation,
  seedMessage,
  seedNumber,
  T0,
  WABA,
} from '../testing/seed.ts';
import { campaignsReport } from './campaign-report.ts';

const HOUR = 3_600_000;
const PRICED = JSON.stringify({
  billable: true,
  pricing_model: 'PMP',
  type: 'regular',
  category: 'marketing',
});

/** A campaign row with `statuses.length` queued recipients, one message each (status as given). */
async function seedCampaign(
  db: TestDatabase['db'],
  c: {
    id: string;
    number: string;
    waba: string;
    startedAt: number;
    statuses: MessageStatus[];
    replied: number;
  },
) {
  await db
    .insertInto('campaigns')
    .values({
      id: c.id,
      name: `Campaign ${c.id}`,
      phone_number_id: c.number,
      waba_id: c.waba,
      template_name: 'seasonal_promo',
      template_language: 'en_US',
      parameters_json: '{}',
      audience_json: '{"contact_ids":[]}',
      state: 'completed',
      scheduled_at: null,
      time_zone: null,
      estimate_json: null,
      total_recipients: c.statuses.length,
      fanout_step: 0,
      next_ordinal: c.statuses.length,
      started_at: c.startedAt,
      finished_at: c.startedAt + HOUR,
      created_by: null,
      created_at: c.startedAt,
      updated_at: c.startedAt,
    })
    .execute();
  for (const [i, status] of c.statuses.entries()) {
    const contact = `${c.id}-k${i}`;
    const message = `${c.id}-m${i}`;
    await seedContact(db, { id: contact, phone_number_id: c.number, wa_id: `1555${c.id.length}${i}000` });
    await seedConversation(db, { id: `${c.id}-v${i}`, phone_number_id: c.number, contact_id: contact });
    await seedMessage(db, {
      id: message,
      phone_number_id: c.number,
      conversation_id: `${c.id}-v${i}`,
      contact_id: contact,
      direction: 'outbound',
      origin: 'campaign',
      type: 'template',
      status,
      pricing_json: status === 'failed' ? null : PRICED,
      timestamp: c.startedAt,
    });
    await db
      .insertInto('outbound_costs')
      .values({
        message_id: message,
        phone_number_id: c.number,
        country_code: '1',
        category: 'marketing',
        pricing_type: 'regular',
        estimated_micros: priceOf(DEFAULT_RATE_CARD, 'marketing', '1'),
        currency: DEFAULT_RATE_CARD.currency,
        created_at: c.startedAt,
      })
      .execute();
    await db
      .insertInto('campaign_recipients')
      .values({
        campaign_id: c.id,
        ordinal: i,
        contact_id: contact,
        state: 'queued',
        message_id: message,
        refusal_code: null,
        refusal_message: null,
        queued_at: c.startedAt,
        replied_at: i < c.replied ? c.startedAt + HOUR : null,
        reply_message_id: null,
        button_payload: null,
        updated_at: c.startedAt,
      })
      .execute();
  }
}

describe.each(testDialects)('campaign results and costs in Reports (%s)', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const db = database.db;
    await seedNumber(db, { id: NUMBER, waba_id: WABA });
    await seedNumber(db, { id: OTHER_NUMBER, waba_id: OTHER_WABA, display_phone_number: '15550000002' });
    await seedCampaign(db, {
      id: 'spring',
      number: NUMBER,
      waba: WABA,
      startedAt: T0,
      statuses: ['read', 'read', 'delivered', 'sent', 'failed'],
      replied: 1,
    });
    // Outside the range, and another number's: neither is in the report.
    await seedCampaign(db, {
      id: 'old',
      number: NUMBER,
      waba: WABA,
      startedAt: T0 - 40 * 24 * HOUR,
      statuses: ['read'],
      replied: 0,
    });
    await seedCampaign(db, {
      id: 'other',
      number: OTHER_NUMBER,
      waba: OTHER_WABA,
      startedAt: T0,
      statuses: ['read'],
      replied: 0,
    });
  });
  afterAll(async () => {
    await database?.close();
  });

  it('lists the campaigns of the range with their funnel, rates and cost by category', async () => {
    const report = await campaignsReport(
      database.db,
      { from: T0 - 24 * HOUR, to: T0 + 24 * HOUR, numbers: [NUMBER] },
      DEFAULT_RATE_CARD,
    );
    expect(report.data.map((c) => c.id)).toEqual(['spring']);
    const [c] = report.data;
    const unit = priceOf(DEFAULT_RATE_CARD, 'marketing', '1') / 1_000_000;
    expect(c).toMatchObject({
      recipients: 5,
      sent: 4,
      delivered: 3,
      read: 2,
      failed: 1,
      replied: 1,
      delivery_rate: 3 / 5,
      read_rate: 2 / 3,
      reply_rate: 1 / 3,
      priced_messages: 4,
    });
    // The failed message costs nothing; the four others are charged as marketing.
    expect(c?.cost_actual).toBeCloseTo(4 * unit, 6);
    expect(c?.cost_estimated).toBeCloseTo(4 * unit, 6);
    expect(c?.costs_by_category).toEqual([
      { category: 'marketing', messages: 4, estimated: c?.cost_estimated, actual: c?.cost_actual },
    ]);
  });

  it('reports nothing for a caller who sees no number', async () => {
    const report = await campaignsReport(
      database.db,
      { from: T0 - 24 * HOUR, to: T0 + 24 * HOUR, numbers: [] },
      DEFAULT_RATE_CARD,
    );
    expect(report.data).toEqual([]);
  });
});
