import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordConsent } from '../consent/consent-ledger.ts';
import { newId } from '../platform/ids.ts';
import { testDialects } from '../testing/databases.ts';
import { type OutboundEnv, PNID, startOutboundEnv } from '../testing/sandbox-env.ts';

const WA_ID = '34611000111';

describe.each(testDialects)('a reply to a campaign, in the inbox and the report (%s)', (dialect) => {
  let env: OutboundEnv;
  beforeAll(async () => {
    env = await startOutboundEnv(dialect);
  });
  afterAll(async () => {
    await env?.close();
  });

  it('marks the campaign message and the customer reply that answers it; the report counts the reply', async () => {
    const db = env.db.db;
    const now = Date.now();
    const contactId = newId();
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('contacts')
        .values({
          id: contactId,
          phone_number_id: PNID,
          wa_id: WA_ID,
          bsuid: null,
          parent_bsuid: null,
          username: null,
          profile_name: 'Lucía',
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
        contactId,
        numberId: PNID,
        scope: 'marketing',
        action: 'opt_in',
        source: 'api',
        wording: 'Yes, send me offers.',
        at: now,
      });
    });
    await env.sandbox.control.addCustomer({ waId: WA_ID, name: 'Lucía' });
    const created = await env.api('POST', '/api/campaigns', {
      name: 'Rebajas de invierno',
      phone_number_id: PNID,
      template: { name: 'seasonal_promo', language: 'en_US' },
      parameters: {
        header: [{ value: 'Winter sale' }],
        body: [{ attribute: 'first_name', fallback: 'friend' }, { value: 'WIN25' }, { value: '25%' }],
        buttons: { '1': { value: 'winter' } },
      },
      audience: { contact_ids: [contactId] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.data.id;
    expect((await env.api('POST', `/api/campaigns/${id}/start`, {})).status).toBe(200);
    const sent = await env.waitFor(async () => {
      const r = await db
        .selectFrom('campaign_recipients as r')
        .innerJoin('messages as m', 'm.id', 'r.message_id')
        .select(['m.id', 'm.conversation_id', 'm.status'])
        .where('r.campaign_id', '=', id)
        .executeTakeFirst();
      return r && ['sent', 'delivered', 'read'].includes(r.status) ? r : null;
    }, 'the campaign message to be sent');
    await env.sandbox.control.customerText(WA_ID, '¿La oferta vale también en tienda?');
    const report = await env.waitFor(async () => {
      const r = (await env.api('GET', `/api/campaigns/${id}/report`)).body.data;
      return r.campaign.progress.replied === 1 ? r : null;
    }, 'the reply to be counted');
    expect(report.campaign.progress.replied).toBe(1);
    const reply = await db
      .selectFrom('messages')
      .select(['id', 'conversation_id'])
      .where('direction', '=', 'inbound')
      .where('contact_id', '=', contactId)
      .executeTakeFirstOrThrow();
    expect(reply.conversation_id).toBe(sent.conversation_id);
    const marks = await env.api('GET', `/api/campaigns/marks?conversation_id=${sent.conversation_id}`);
    expect(marks.status).toBe(200);
    const byMessage = Object.fromEntries(
      marks.body.data.map((m: { message_id: string }) => [m.message_id, m]),
    );
    expect(byMessage).toEqual({
      [sent.id]: { message_id: sent.id, campaign_id: id, campaign_name: 'Rebajas de invierno', kind: 'sent' },
      [reply.id]: {
        message_id: reply.id,
        campaign_id: id,
        campaign_name: 'Rebajas de invierno',
        kind: 'reply',
      },
    });
    expect((await env.api('GET', '/api/campaigns/marks?conversation_id=nope')).status).toBe(404);
  }, 120_000);
});
