import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CUSTOMER, graph, harness, type Json, PNID, send } from '../testing/harness.ts';
import { startMediaServer } from '../testing/media-server.ts';

type H = Awaited<ReturnType<typeof harness>>;

const SHAPES: Record<string, Json> = {
  text: { type: 'text', text: { body: 'hi', preview_url: true } },
  image_id: { type: 'image', image: { id: 'MEDIA', caption: 'look' } },
  image_link: { type: 'image', image: { link: 'LINK/a.jpg?type=image/jpeg' } },
  video: { type: 'video', video: { link: 'LINK/a.mp4?type=video/mp4', caption: 'v' } },
  audio: { type: 'audio', audio: { link: 'LINK/a.ogg?type=audio/ogg' } },
  document: {
    type: 'document',
    document: { link: 'LINK/a.pdf?type=application/pdf', filename: 'a.pdf', caption: 'doc' },
  },
  sticker: { type: 'sticker', sticker: { link: 'LINK/a.webp?type=image/webp' } },
  location: {
    type: 'location',
    location: { latitude: 37.48, longitude: -122.14, name: 'HQ', address: '1 Hacker Way' },
  },
  contacts: {
    type: 'contacts',
    contacts: [
      {
        name: { formatted_name: 'Jo Doe', first_name: 'Jo' },
        phones: [{ phone: '+15551234', type: 'CELL' }],
      },
    ],
  },
  reaction: { type: 'reaction', reaction: { message_id: 'INBOUND', emoji: '👍' } },
  reply_context: { type: 'text', text: { body: 'quoted' }, context: { message_id: 'INBOUND' } },
  buttons: {
    type: 'interactive',
    interactive: {
      type: 'button',
      header: { type: 'text', text: 'Pick' },
      body: { text: 'Choose one' },
      footer: { text: 'footer' },
      action: {
        buttons: [
          { type: 'reply', reply: { id: 'a', title: 'A' } },
          { type: 'reply', reply: { id: 'b', title: 'B' } },
        ],
      },
    },
  },
  list: {
    type: 'interactive',
    interactive: {
      type: 'list',
      header: { type: 'text', text: 'Shipping' },
      body: { text: 'Which option?' },
      action: {
        button: 'Options',
        sections: [{ title: 'Fast', rows: [{ id: 'x', title: 'Express', description: 'Next day' }] }],
      },
    },
  },
  cta_url: {
    type: 'interactive',
    interactive: {
      type: 'cta_url',
      body: { text: 'See the offer' },
      action: { name: 'cta_url', parameters: { display_text: 'Open', url: 'https://example.com' } },
    },
  },
  template_named: {
    type: 'template',
    template: {
      name: 'order_confirmation',
      language: { code: 'en_US' },
      components: [
        {
          type: 'body',
          parameters: [
            { type: 'text', parameter_name: 'order_number', text: 'X1' },
            { type: 'text', parameter_name: 'first_name', text: 'Jess' },
          ],
        },
      ],
    },
  },
  template_positional: {
    type: 'template',
    template: {
      name: 'appointment_reminder',
      language: { code: 'en_US' },
      components: [
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Ana' },
            { type: 'date_time', date_time: { fallback_value: 'May 1' } },
          ],
        },
        {
          type: 'button',
          sub_type: 'quick_reply',
          index: '0',
          parameters: [{ type: 'payload', payload: 'CONFIRM' }],
        },
      ],
    },
  },
};

describe('send shapes and validation', () => {
  let h: H;
  let inbound: string;
  let links: Awaited<ReturnType<typeof startMediaServer>>;
  beforeEach(async () => {
    h = await harness();
    links = await startMediaServer();
    inbound = (await h.sb.control.customerText(CUSTOMER, 'hello')).id;
  });
  afterEach(async () => {
    await h.close();
    await links.close();
  });

  it.each(Object.keys(SHAPES))('accepts %s', async (name) => {
    const upload = new FormData();
    upload.set('messaging_product', 'whatsapp');
    upload.set('file', new Blob([Buffer.from('fake-jpeg')], { type: 'image/jpeg' }), 'a.jpg');
    const media = await fetch(`${h.sb.url}/v23.0/${PNID}/media`, {
      method: 'POST',
      headers: { authorization: 'Bearer sandbox-access-token' },
      body: upload,
    });
    const mediaId = ((await media.json()) as { id: string }).id;
    const body = JSON.parse(
      JSON.stringify(SHAPES[name])
        .replaceAll('MEDIA', mediaId)
        .replaceAll('INBOUND', inbound)
        .replaceAll('LINK/', links.url('/')),
    ) as Json;
    const res = await send(h.sb, body);
    expect(res.body.error).toBeUndefined();
    expect(res.status).toBe(200);
    expect(res.body.messages[0].id).toMatch(/^wamid\./);
    await h.sb.clock.advance(2000);
    expect(h.hub.items('statuses').filter((s) => s.status === 'failed')).toEqual([]);
  });

  it.each([
    ['missing messaging_product', { messaging_product: undefined, text: { body: 'x' } }, 100],
    ['unknown type', { type: 'hologram', hologram: {} }, 100],
    ['text without body', { type: 'text', text: {} }, 131008],
    ['text too long', { type: 'text', text: { body: 'x'.repeat(4097) } }, 100],
    ['image without id or link', { type: 'image', image: { caption: 'c' } }, 131008],
    ['audio with caption', { type: 'audio', audio: { link: 'https://e.com/a.ogg', caption: 'no' } }, 131009],
    [
      'four reply buttons',
      {
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'b' },
          action: {
            buttons: ['a', 'b', 'c', 'd'].map((id) => ({ type: 'reply', reply: { id, title: id } })),
          },
        },
      },
      131009,
    ],
    [
      'button title over 20',
      {
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'b' },
          action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'x'.repeat(21) } }] },
        },
      },
      100,
    ],
    [
      'eleven list rows',
      {
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: 'b' },
          action: {
            button: 'go',
            sections: [
              { title: 's', rows: Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, title: `r${i}` })) },
            ],
          },
        },
      },
      131009,
    ],
    ['latitude out of range', { type: 'location', location: { latitude: 91, longitude: 0 } }, 131009],
    ['missing to', { to: undefined, text: { body: 'x' } }, 100],
    ['recipient is the sender', { to: '15550783881', text: { body: 'x' } }, 131021],
    [
      'unknown template',
      { type: 'template', template: { name: 'nope', language: { code: 'en_US' } } },
      132001,
    ],
    [
      'template in another language',
      { type: 'template', template: { name: 'hello_world', language: { code: 'pt_BR' } } },
      132001,
    ],
    [
      'wrong template parameter count',
      {
        type: 'template',
        template: {
          name: 'appointment_reminder',
          language: { code: 'en_US' },
          components: [{ type: 'body', parameters: [{ type: 'text', text: 'only one' }] }],
        },
      },
      132000,
    ],
    [
      'unknown named parameter',
      {
        type: 'template',
        template: {
          name: 'order_confirmation',
          language: { code: 'en_US' },
          components: [
            {
              type: 'body',
              parameters: [
                { type: 'text', parameter_name: 'first_name', text: 'a' },
                { type: 'text', parameter_name: 'nope', text: 'b' },
              ],
            },
          ],
        },
      },
      132000,
    ],
    [
      'parameter of the wrong format',
      {
        type: 'template',
        template: {
          name: 'appointment_reminder',
          language: { code: 'en_US' },
          components: [
            {
              type: 'body',
              parameters: [
                { type: 'text', text: 'a' },
                { type: 'currency', currency: {} },
              ],
            },
          ],
        },
      },
      132012,
    ],
  ])('rejects %s', async (_name, body, code) => {
    const res = await send(h.sb, body as Json);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toMatch(new RegExp(`^\\(#${code}\\)`));
    expect(res.body.error.error_data.messaging_product).toBe('whatsapp');
  });

  it('answers unparsable JSON and unknown ids with Meta errors', async () => {
    const bad = await graph(h.sb, `${PNID}/messages`, { raw: '{"messaging_product": "whatsapp",' });
    expect(bad.body.error.code).toBe(100);
    const unknown = await graph(h.sb, '999/messages', {
      body: { messaging_product: 'whatsapp', to: CUSTOMER, text: { body: 'x' } },
    });
    expect(unknown.body.error).toMatchObject({ code: 100, error_subcode: 33, type: 'GraphMethodException' });
    const array = await graph(h.sb, `${PNID}/messages`, { raw: '[1,2]' });
    expect(array.body.error.code).toBe(100);
    const path = await graph(h.sb, 'nope/x/y/z');
    expect(path.body.error.code).toBe(2500);
  });

  it('pauses and disables templates with 132015 and 132016', async () => {
    const t = (await h.sb.control.templates()).data.find((x) => x.name === 'hello_world')!;
    const hello = { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } };
    await h.sb.control.setTemplateStatus(t.id, 'PAUSED');
    expect((await send(h.sb, hello)).body.error.code).toBe(132015);
    await h.sb.control.setTemplateStatus(t.id, 'DISABLED');
    expect((await send(h.sb, hello)).body.error.code).toBe(132016);
    await h.sb.idle();
    expect(h.hub.changes('message_template_status_update').map((c) => c.value.event)).toEqual([
      'PAUSED',
      'DISABLED',
    ]);
  });
});

describe('request log', () => {
  let h: H;
  afterEach(() => h.close());

  it('never shows an access token, whether it came in the query or the body', async () => {
    h = await harness();
    await graph(h.sb, `${PNID}/messages?access_token=sandbox-access-token`, {
      token: null,
      body: { messaging_product: 'whatsapp', to: CUSTOMER, type: 'text', text: { body: 'q' } },
    });
    await graph(h.sb, `${PNID}/messages`, {
      token: null,
      body: {
        messaging_product: 'whatsapp',
        access_token: 'sandbox-access-token',
        to: CUSTOMER,
        type: 'text',
        text: { body: 'b' },
      },
    });
    const res = await fetch(`${h.sb.url}/_sandbox/requests`);
    const log = await res.text();
    expect(log).toContain('REDACTED');
    expect(log).not.toContain('sandbox-access-token');
  });
});

describe('rules Meta enforces', () => {
  let h: H;
  afterEach(() => h.close());

  it('fails a free-form message outside the 24-hour window with 131047, and a template goes through', async () => {
    h = await harness();
    await h.sb.control.customerText(CUSTOMER, 'hi');
    await h.sb.clock.advance(24 * 3600_000 + 1000);
    const text = await send(h.sb, { text: { body: 'late' } });
    expect(text.status).toBe(200);
    const tpl = await send(h.sb, {
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    await h.sb.clock.advance(2000);
    const failed = h.hub.items('statuses').filter((s) => s.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      id: text.body.messages[0].id,
      errors: [{ code: 131047, title: 'Re-engagement message' }],
    });
    expect(
      h.hub
        .items('statuses')
        .filter((s) => s.id === tpl.body.messages[0].id)
        .map((s) => s.status),
    ).toEqual(['sent', 'delivered', 'read']);
  });

  it('can report 131047 synchronously', async () => {
    h = await harness({ deliveryErrors: 'sync' });
    const res = await send(h.sb, { text: { body: 'no window' } });
    expect(res.body.error.code).toBe(131047);
  });

  it('answers 130429 above 20 messages per second on a coexistence number', async () => {
    h = await harness({ statusDelays: false, pairLimit: { burst: 1000, everyMs: 1 } });
    const codes: number[] = [];
    for (let i = 0; i < 22; i++) {
      const r = await send(
        h.sb,
        { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } },
        `1650555${String(1000 + i)}`,
      );
      codes.push(r.body.error?.code ?? 200);
    }
    expect(codes.filter((c) => c === 200)).toHaveLength(20);
    expect(codes.slice(20)).toEqual([130429, 130429]);
    await h.sb.clock.advance(1000);
    expect(
      (await send(h.sb, { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } }))
        .status,
    ).toBe(200);
  });

  it('uses 80 mps on a number that is not a coexistence number', async () => {
    h = await harness({
      statusDelays: false,
      pairLimit: { burst: 1000, everyMs: 1 },
      numbers: [
        {
          wabaId: '1',
          phoneNumberId: PNID,
          displayPhoneNumber: '15550783881',
          verifiedName: 'X',
          coexistence: false,
        },
      ],
    });
    let ok = 0;
    for (let i = 0; i < 81; i++) {
      const r = await send(h.sb, {
        type: 'template',
        template: { name: 'hello_world', language: { code: 'en_US' } },
      });
      if (r.status === 200) ok++;
      else expect(r.body.error.code).toBe(130429);
    }
    expect(ok).toBe(80);
  });

  it('answers 131056 when one recipient gets too many messages, without blocking others', async () => {
    h = await harness({ statusDelays: false, pairLimit: { burst: 3, everyMs: 6000 } });
    await h.sb.control.customerText(CUSTOMER, 'hi');
    const codes = [];
    for (let i = 0; i < 4; i++)
      codes.push((await send(h.sb, { text: { body: `m${i}` } })).body.error?.code ?? 200);
    expect(codes).toEqual([200, 200, 200, 131056]);
    const other = await send(
      h.sb,
      { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } },
      '16505559999',
    );
    expect(other.status).toBe(200);
  });

  it('switches the limits off when rateLimits is false', async () => {
    h = await harness({ statusDelays: false, rateLimits: false });
    await h.sb.control.customerText(CUSTOMER, 'hi');
    for (let i = 0; i < 60; i++) expect((await send(h.sb, { text: { body: `m${i}` } })).status).toBe(200);
  });

  it('fails sends to a number that is not on WhatsApp with 131026', async () => {
    h = await harness({
      customers: [
        { waId: CUSTOMER, name: 'Ana' },
        { waId: '16505550000', name: 'Gone', onWhatsApp: false },
      ],
    });
    const r = await send(
      h.sb,
      { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } },
      '16505550000',
    );
    await h.sb.clock.advance(1000);
    expect(h.hub.items('statuses')).toMatchObject([
      { id: r.body.messages[0].id, status: 'failed', errors: [{ code: 131026 }] },
    ]);
  });

  it('fails marketing to a customer who stopped marketing messages with 131050 (after user_preferences)', async () => {
    h = await harness();
    await h.sb.control.setMarketing(CUSTOMER, true);
    const promo = {
      type: 'template',
      template: {
        name: 'seasonal_promo',
        language: { code: 'en_US' },
        components: [
          { type: 'header', parameters: [{ type: 'text', text: 'Sale' }] },
          { type: 'body', parameters: ['a', 'b', 'c'].map((text) => ({ type: 'text', text })) },
          { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'x' }] },
        ],
      },
    };
    await send(h.sb, promo);
    const utility = await send(h.sb, {
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    await h.sb.clock.advance(2000);
    const pref = h.hub.items('user_preferences', 'user_preferences')[0]!;
    expect(pref).toMatchObject({ wa_id: CUSTOMER, category: 'marketing_messages', value: 'stop' });
    const failed = h.hub.items('statuses').filter((s) => s.status === 'failed');
    expect(failed).toMatchObject([{ errors: [{ code: 131050 }] }]);
    expect(
      h.hub.items('statuses').some((s) => s.id === utility.body.messages[0].id && s.status === 'delivered'),
    ).toBe(true);
  });

  it('prices replies to a Click-to-WhatsApp referral as free_entry_point', async () => {
    h = await harness();
    await h.sb.control.customerSends(CUSTOMER, {
      type: 'text',
      text: { body: 'I saw your ad' },
      referral: {
        source_url: 'https://fb.me/x',
        source_id: '1',
        source_type: 'ad',
        headline: 'Sale',
        body: 'b',
        media_type: 'image',
        image_url: 'https://x/y.jpg',
        ctwa_clid: 'abc',
      },
    });
    await send(h.sb, { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
    await h.sb.clock.advance(2000);
    const delivered = h.hub.items('statuses').find((s) => s.status === 'delivered')!;
    expect(delivered.pricing).toMatchObject({
      pricing_model: 'PMP',
      type: 'free_entry_point',
      billable: false,
    });
    expect(h.hub.items('messages')[0]!.referral).toMatchObject({ ctwa_clid: 'abc' });
  });

  it('prices a utility template inside the window as free_customer_service before Oct 1, 2026', async () => {
    h = await harness({ startTime: Date.UTC(2026, 8, 15, 12) });
    await h.sb.control.customerText(CUSTOMER, 'hi');
    await send(h.sb, { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
    await h.sb.clock.advance(2000);
    expect(h.hub.items('statuses').find((s) => s.status === 'delivered')!.pricing).toEqual({
      billable: false,
      pricing_model: 'PMP',
      type: 'free_customer_service',
      category: 'utility',
    });
  });

  it('charges a utility template inside the window from Oct 1, 2026 (cloud-api.md §6.4)', async () => {
    h = await harness({ startTime: Date.UTC(2026, 9, 1, 0, 0, 1) });
    await h.sb.control.customerText(CUSTOMER, 'hi');
    await send(h.sb, { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
    await h.sb.clock.advance(2000);
    expect(h.hub.items('statuses').find((s) => s.status === 'delivered')!.pricing).toEqual({
      billable: true,
      pricing_model: 'PMP',
      type: 'regular',
      category: 'utility',
    });
  });
});
