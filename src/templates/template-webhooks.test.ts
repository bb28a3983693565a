import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordConsent } from '../consent/consent-ledger.ts';
import { signBody } from '../meta-webhooks/webhook.endpoint.ts';
import { newId } from '../platform/ids.ts';
import { testDialects } from '../testing/databases.ts';
import { type OutboundEnv, PNID, startOutboundEnv, WABA } from '../testing/sandbox-env.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests read loosely typed API answers.
type Loose = any;

/** Meta's envelope of a WABA management field (no metadata; routed by `entry[].id`). */
const management = (field: string, value: Record<string, unknown>) =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: WABA, time: Math.floor(Date.now() / 1000), changes: [{ field, value }] }],
  });

describe.each(testDialects)('template webhooks from Meta and the one send policy (%s)', (dialect) => {
  let env: OutboundEnv;
  const templateOf = async (name: string) =>
    (await env.api('GET', `/api/templates?name=${name}`)).body.data.find(
      (t: Loose) => t.name === name && t.language === 'en_US',
    );
  const historyOf = async (id: string) => (await env.api('GET', `/api/templates/${id}/history`)).body.data;
  /** Posts a management webhook to the hub signed with the app secret, as Meta does. */
  const metaSends = async (field: string, value: Record<string, unknown>) => {
    const body = management(field, value);
    const res = await fetch(`${env.hub.url}/webhooks/meta`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signBody(env.sandbox.options.appSecret, body),
      },
      body,
    });
    expect(res.status).toBe(200);
  };

  beforeAll(async () => {
    env = await startOutboundEnv(dialect, { sandbox: { templateReview: { delayMs: 300 } } });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('message_template_quality_update stores the rating and records it as Meta’s change', async () => {
    const promo = await templateOf('seasonal_promo');
    await metaSends('message_template_quality_update', {
      previous_quality_score: 'GREEN',
      new_quality_score: 'YELLOW',
      message_template_id: Number(promo.meta_template_id),
      message_template_name: 'seasonal_promo',
      message_template_language: 'en-US',
    });
    await env.waitFor(
      async () => (await templateOf('seasonal_promo')).quality_score === 'YELLOW',
      'the rating',
    );
    const history = await historyOf(promo.id);
    expect(history[0]).toMatchObject({
      action: 'quality',
      actor: { kind: 'system', id: null },
      details: { from: 'GREEN', to: 'YELLOW' },
    });
  });

  it('template_category_update to MARKETING puts the template under the consent rule from its next send', async () => {
    await env.customerWrites('16505550901');
    const send = () =>
      env.api('POST', '/api/messages', {
        phone_number_id: PNID,
        to: '16505550901',
        type: 'template',
        template: { name: 'hello_world', language: 'en_US' },
      });
    expect((await send()).status).toBe(202);
    const hello = await templateOf('hello_world');
    // Announced first (correct_category only): recorded, nothing changes yet.
    await metaSends('template_category_update', {
      message_template_id: Number(hello.meta_template_id),
      message_template_name: 'hello_world',
      message_template_language: 'en_US',
      previous_category: 'UTILITY',
      correct_category: 'MARKETING',
      category_update_timestamp: Math.floor(Date.now() / 1000) + 86_400,
    });
    await env.waitFor(async () => (await historyOf(hello.id))[0]?.action === 'category', 'the announcement');
    expect((await templateOf('hello_world')).category).toBe('UTILITY');
    expect((await send()).status).toBe(202);
    await metaSends('template_category_update', {
      message_template_id: Number(hello.meta_template_id),
      message_template_name: 'hello_world',
      message_template_language: 'en_US',
      previous_category: 'UTILITY',
      new_category: 'MARKETING',
    });
    await env.waitFor(
      async () => (await templateOf('hello_world')).category === 'MARKETING',
      'the new category',
    );
    const refused = await send();
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('CONTACT_NOT_OPTED_IN');
    const history = await historyOf(hello.id);
    expect(history.slice(0, 2).map((h: Loose) => [h.action, h.details.from, h.details.to])).toEqual([
      ['category', 'UTILITY', 'MARKETING'],
      ['category', 'UTILITY', null],
    ]);
  });

  it('a template Meta pauses during a campaign pauses it and takes back its queued sends; the policy refuses the template until reinstated', async () => {
    const db = env.db.db;
    const now = Date.now();
    const ids: string[] = [];
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < 600; i++) {
        const id = newId();
        ids.push(id);
        await trx
          .insertInto('contacts')
          .values({
            id,
            phone_number_id: PNID,
            wa_id: `3470${String(i).padStart(7, '0')}`,
            bsuid: null,
            parent_bsuid: null,
            username: null,
            profile_name: `Cliente ${i}`,
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
      name: 'Paused by Meta',
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
    const id = created.body.data.id;
    expect((await env.api('POST', `/api/campaigns/${id}/start`, {})).status).toBe(200);
    const campaign = async () => (await env.api('GET', `/api/campaigns/${id}`)).body.data;
    await env
      .waitFor(async () => (await campaign()).progress.sent >= 20, 'the first sends', 60_000)
      .catch(async (error: Error) => {
        throw new Error(`${error.message}: ${JSON.stringify(await campaign())}`);
      });
    const promo = (await env.sandbox.control.templates()).data.find((t) => t.name === 'seasonal_promo')!;
    await env.sandbox.control.setTemplateStatus(promo.id, 'PAUSED', 'LOW_QUALITY');
    const paused = await env.waitFor(
      async () => {
        const c = await campaign();
        return c.state === 'paused' ? c : null;
      },
      'the campaign to pause itself',
      30_000,
    );
    expect(paused.template.status).toBe('PAUSED');
    expect(paused.progress.pending).toBeGreaterThan(0);
    const direct = await env.api('POST', '/api/messages', {
      phone_number_id: PNID,
      to: '34700000001',
      type: 'template',
      template: {
        name: 'seasonal_promo',
        language: 'en_US',
        components: [
          { type: 'header', parameters: [{ type: 'text', text: 'Summer sale' }] },
          { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'summer' }] },
        ],
        parameters: ['August', 'SUN25', '25%'],
      },
    });
    expect(direct.body.error.code).toBe('TEMPLATE_NOT_APPROVED');
    // Nothing is sent meanwhile: the queued ones were refused at dispatch, or by Meta (132015).
    await env.waitFor(async () => (await campaign()).progress.queued === 0, 'the queue to drain', 60_000);
    const stalled = await campaign();
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await campaign()).progress).toEqual(stalled.progress);
    const refusedAtDispatch = await db
      .selectFrom('campaign_recipients as r')
      .innerJoin('messages as m', 'm.id', 'r.message_id')
      .select('m.error_json')
      .where('r.campaign_id', '=', id)
      .where('m.status', '=', 'failed')
      .execute();
    // What waited in the outbox went back to the campaign; only sends already claimed failed.
    expect(refusedAtDispatch.length).toBeLessThan(stalled.progress.pending);
    for (const r of refusedAtDispatch) {
      expect(['TEMPLATE_NOT_APPROVED', '132015']).toContain(String(JSON.parse(r.error_json ?? '{}').code));
    }
    await env.sandbox.control.setTemplateStatus(promo.id, 'APPROVED');
    await env.waitFor(
      async () => (await templateOf('seasonal_promo')).status === 'APPROVED',
      'the reinstatement',
    );
    expect((await env.api('POST', `/api/campaigns/${id}/resume`, {})).status).toBe(200);
    const done = await env.waitFor(
      async () => {
        const c = await campaign();
        return c.state === 'completed' ? c : null;
      },
      'the campaign to complete',
      240_000,
    );
    expect(done.progress.pending).toBe(0);
    expect(done.progress.sent + done.progress.failed + done.progress.refused).toBe(ids.length);
    // Every recipient but the sends claimed before the pause was sent; those failed for the pause.
    const failed = await db
      .selectFrom('campaign_recipients as r')
      .innerJoin('messages as m', 'm.id', 'r.message_id')
      .select('m.error_json')
      .where('r.campaign_id', '=', id)
      .where('m.status', '=', 'failed')
      .execute();
    expect(failed.map((r) => String(JSON.parse(r.error_json ?? '{}').code)).sort()).toEqual(
      refusedAtDispatch.map((r) => String(JSON.parse(r.error_json ?? '{}').code)).sort(),
    );
    expect(done.progress.sent).toBe(ids.length - refusedAtDispatch.length);
  }, 480_000);

  it('a URL button with {{1}} in a named-parameter template is created, approved and sent', async () => {
    const created = await env.api('POST', '/api/templates', {
      waba_id: WABA,
      name: 'order_ready_named',
      language: 'en_US',
      category: 'UTILITY',
      parameter_format: 'named',
      body: {
        text: 'Hi {{first_name}}, order {{order_number}} is ready.',
        examples: { first_name: 'Ana', order_number: 'A-17' },
      },
      buttons: [{ type: 'URL', text: 'Track', url: 'https://shop.test/track/{{1}}', example: 'A-17' }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await env.waitFor(
      async () => (await templateOf('order_ready_named'))?.status === 'APPROVED',
      'the review',
    );
    await env.customerWrites('16505550902');
    const sent = await env.api('POST', '/api/messages', {
      phone_number_id: PNID,
      to: '16505550902',
      type: 'template',
      template: {
        name: 'order_ready_named',
        language: 'en_US',
        parameters: { first_name: 'Ana', order_number: 'A-17' },
        components: [
          { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'A-17' }] },
        ],
      },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    await env.waitFor(async () => {
      const m = await env.db.db
        .selectFrom('messages')
        .select('status')
        .where('id', '=', sent.body.id)
        .executeTakeFirst();
      return m && ['sent', 'delivered', 'read'].includes(m.status);
    }, 'the sandbox to accept it');
  });
});
