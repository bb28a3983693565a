import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { graph, harness, PNID, WABA } from '../testing/harness.ts';

type H = Awaited<ReturnType<typeof harness>>;

describe('media, templates and phone-number management', () => {
  let h: H;
  beforeEach(async () => {
    h = await harness({ templateReview: { delayMs: 5000, rejectNames: ['bad_promo'] } });
  });
  afterEach(() => h.close());

  async function upload(
    type: string,
    bytes: Buffer,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('file', new Blob([new Uint8Array(bytes)], { type }), 'f');
    const res = await fetch(`${h.sb.url}/v23.0/${PNID}/media`, {
      method: 'POST',
      headers: { authorization: 'Bearer sandbox-access-token' },
      body: form,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('uploads, describes, downloads (with the token, within 5 minutes) and deletes media', async () => {
    const up = await upload('application/pdf', Buffer.from('%PDF-1.4 hello'));
    const id = up.body.id as string;
    const info = await graph(h.sb, id);
    expect(info.body).toMatchObject({
      messaging_product: 'whatsapp',
      mime_type: 'application/pdf',
      file_size: 14,
      id,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const url = info.body.url as string;
    expect(await fetch(url).then((r) => r.status)).toBe(401);
    const ok = await fetch(url, { headers: { authorization: 'Bearer sandbox-access-token' } });
    expect(await ok.text()).toBe('%PDF-1.4 hello');
    await h.sb.clock.advance(5 * 60_000 + 1);
    expect((await fetch(url, { headers: { authorization: 'Bearer sandbox-access-token' } })).status).toBe(
      404,
    );
    expect((await graph(h.sb, id, { method: 'DELETE' })).body).toEqual({ success: true });
    expect((await graph(h.sb, id)).body.error.code).toBe(100);
  });

  it('refuses media of an unsupported type or too large with 131053', async () => {
    expect((await upload('application/x-msdownload', Buffer.from('MZ'))).body).toMatchObject({
      error: { code: 131053 },
    });
    expect((await upload('image/png', Buffer.alloc(5 * 1024 * 1024 + 1))).body).toMatchObject({
      error: { code: 131053 },
    });
  });

  it('creates templates as PENDING, then APPROVED or REJECTED with the status webhook; lists and deletes', async () => {
    const create = (name: string) =>
      graph(h.sb, `${WABA}/message_templates`, {
        body: {
          name,
          category: 'marketing',
          language: 'en_US',
          components: [{ type: 'BODY', text: 'Hi {{1}}' }],
        },
      });
    const ok = await create('spring_sale');
    expect(ok.body).toEqual({ id: expect.stringMatching(/^\d+$/), status: 'PENDING', category: 'MARKETING' });
    await create('bad_promo');
    expect((await create('spring_sale')).body.error.code).toBe(100);
    const pendingSend = await graph(h.sb, `${PNID}/messages`, {
      body: {
        messaging_product: 'whatsapp',
        to: '16505551234',
        type: 'template',
        template: {
          name: 'spring_sale',
          language: { code: 'en_US' },
          components: [{ type: 'body', parameters: [{ type: 'text', text: 'x' }] }],
        },
      },
    });
    expect(pendingSend.body.error.code).toBe(132001);
    await h.sb.clock.advance(5000);
    const events = h.hub
      .changes('message_template_status_update')
      .map((c) => [c.value.message_template_name, c.value.event, c.value.reason]);
    expect(events).toEqual([
      ['spring_sale', 'APPROVED', 'NONE'],
      ['bad_promo', 'REJECTED', 'INVALID_FORMAT'],
    ]);
    const list = await graph(h.sb, `${WABA}/message_templates?status=APPROVED&limit=2`);
    expect(list.body.data).toHaveLength(2);
    expect(list.body.paging.next).toEqual(expect.any(String));
    const all = await graph(h.sb, `${WABA}/message_templates?limit=100`);
    expect(all.body.data.map((t: { name: string }) => t.name)).toContain('spring_sale');
    expect(
      (await graph(h.sb, `${WABA}/message_templates?name=spring_sale`, { method: 'DELETE' })).body,
    ).toEqual({ success: true });
    const after = await graph(h.sb, `${WABA}/message_templates?name=spring_sale`);
    expect(after.body.data).toEqual([]);
    expect(
      (await graph(h.sb, `${WABA}/message_templates?name=spring_sale`, { method: 'DELETE' })).body.error.code,
    ).toBe(100);
  });

  it('validates template creation input', async () => {
    const bad = [
      { category: 'UTILITY', language: 'en_US', components: [{ type: 'BODY', text: 'x' }] },
      { name: 'Bad Name', category: 'UTILITY', language: 'en_US', components: [{ type: 'BODY', text: 'x' }] },
      { name: 'ok_name', category: 'NEWS', language: 'en_US', components: [{ type: 'BODY', text: 'x' }] },
      { name: 'ok_name', category: 'UTILITY', language: 'en_US', components: [] },
    ];
    for (const body of bad)
      expect((await graph(h.sb, `${WABA}/message_templates`, { body })).body.error.code).toBe(100);
  });

  it('describes the phone number, the WABA numbers and the subscribed apps', async () => {
    const full = await graph(
      h.sb,
      `${PNID}?fields=display_phone_number,verified_name,quality_rating,platform_type,throughput,status,is_on_biz_app,health_status,whatsapp_business_manager_messaging_limit`,
    );
    expect(full.body).toMatchObject({
      display_phone_number: '+1 555-078-3881',
      verified_name: 'Coexist Demo',
      quality_rating: 'GREEN',
      platform_type: 'CLOUD_API',
      is_on_biz_app: true,
      status: 'CONNECTED',
      health_status: { can_send_message: 'AVAILABLE' },
      id: PNID,
    });
    const numbers = await graph(h.sb, `${WABA}/phone_numbers`);
    expect(numbers.body.data.map((n: { id: string }) => n.id)).toEqual([PNID]);
    expect((await graph(h.sb, `${WABA}/subscribed_apps`)).body.data).toHaveLength(1);
  });
});
