import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CUSTOMER, graph, harness, type Json, PNID, send } from '../testing/harness.ts';

type H = Awaited<ReturnType<typeof harness>>;

const post = (h: H, path: string, body: Json) => graph(h.sb, path, { body });

describe('phone-number management routes client libraries call', () => {
  let h: H;
  beforeEach(async () => {
    h = await harness({ templateReview: { delayMs: 1000 } });
  });
  afterEach(() => h.close());

  describe('business profile', () => {
    it('reads and updates the profile, fields as asked', async () => {
      const updated = await post(h, `${PNID}/whatsapp_business_profile`, {
        messaging_product: 'whatsapp',
        about: 'Fresh bread daily',
        email: 'hola@example.com',
        vertical: 'RETAIL',
        websites: ['https://example.com'],
      });
      expect(updated.body).toEqual({ success: true });
      const got = await graph(h.sb, `${PNID}/whatsapp_business_profile?fields=about,email,vertical,websites`);
      expect(got.body).toEqual({
        data: [
          {
            about: 'Fresh bread daily',
            email: 'hola@example.com',
            vertical: 'RETAIL',
            websites: ['https://example.com'],
            messaging_product: 'whatsapp',
          },
        ],
      });
      const all = await graph(h.sb, `${PNID}/whatsapp_business_profile`);
      expect(Object.keys(all.body.data[0]).sort()).toEqual(
        [
          'about',
          'address',
          'description',
          'email',
          'messaging_product',
          'profile_picture_url',
          'vertical',
          'websites',
        ].sort(),
      );
    });

    it.each([
      ['no messaging_product', { about: 'x' }, 'The parameter messaging_product is required.'],
      ['about over 139', { about: 'x'.repeat(140) }, 'about'],
      ['an empty about', { about: '' }, 'about'],
      ['a bad email', { email: 'not-an-email' }, 'email'],
      ['an unknown vertical', { vertical: 'BAKERY' }, 'vertical'],
      ['three websites', { websites: ['https://a.com', 'https://b.com', 'https://c.com'] }, 'websites'],
      ['a website without scheme', { websites: ['example.com'] }, 'websites'],
    ])('refuses %s with code 100', async (_name, body, detail) => {
      const res = await post(h, `${PNID}/whatsapp_business_profile`, {
        ...(detail.startsWith('The parameter') ? {} : { messaging_product: 'whatsapp' }),
        ...body,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe(100);
      expect(JSON.stringify(res.body.error)).toContain(detail);
    });

    it('refuses an unknown field to read', async () => {
      const res = await graph(h.sb, `${PNID}/whatsapp_business_profile?fields=about,colour`);
      expect(res.body.error.code).toBe(100);
    });
  });

  describe('registration', () => {
    it('deregister stops sends with 133010 until register with the two-step PIN', async () => {
      await h.sb.control.customerText(CUSTOMER, 'hi');
      expect((await post(h, PNID, { pin: '123456' })).body).toEqual({ success: true });
      expect((await post(h, `${PNID}/deregister`, {})).body).toEqual({ success: true });
      const refused = await send(h.sb, { text: { body: 'x' } });
      expect(refused.body.error.code).toBe(133010);
      const wrongPin = await post(h, `${PNID}/register`, { messaging_product: 'whatsapp', pin: '654321' });
      expect(wrongPin.body.error).toMatchObject({
        code: 133005,
        message: '(#133005) Two step verification PIN Mismatch',
      });
      const ok = await post(h, `${PNID}/register`, { messaging_product: 'whatsapp', pin: '123456' });
      expect(ok.body).toEqual({ success: true });
      expect((await send(h.sb, { text: { body: 'x' } })).status).toBe(200);
    });

    it.each([
      ['no pin', { messaging_product: 'whatsapp' }, 'The parameter pin is required.'],
      ['a 4-digit pin', { messaging_product: 'whatsapp', pin: '1234' }, '6-digit'],
      ['no messaging_product', { pin: '123456' }, 'messaging_product'],
      [
        'a bad region',
        { messaging_product: 'whatsapp', pin: '123456', data_localization_region: 'Germany' },
        'data_localization_region',
      ],
    ])('refuses register with %s', async (_name, body, detail) => {
      const res = await post(h, `${PNID}/register`, body);
      expect(res.body.error.code).toBe(100);
      expect(JSON.stringify(res.body.error)).toContain(detail);
    });

    it('allows 10 register or deregister calls in 72 hours, then 133016', async () => {
      for (let i = 0; i < 10; i++) expect((await post(h, `${PNID}/deregister`, {})).status).toBe(200);
      const limited = await post(h, `${PNID}/deregister`, {});
      expect(limited.body.error.code).toBe(133016);
      await h.sb.clock.advance(3 * 86_400_000 + 1);
      expect(
        (await post(h, `${PNID}/register`, { messaging_product: 'whatsapp', pin: '111111' })).status,
      ).toBe(200);
    });

    it('sends a code and verifies it', async () => {
      expect(
        (await post(h, `${PNID}/request_code`, { code_method: 'FAX', language: 'en_US' })).body.error.code,
      ).toBe(100);
      expect((await post(h, `${PNID}/request_code`, { code_method: 'SMS' })).body.error.message).toBe(
        '(#100) The parameter language is required.',
      );
      expect((await post(h, `${PNID}/request_code`, { code_method: 'SMS', language: 'en_US' })).body).toEqual(
        {
          success: true,
        },
      );
      const code = h.sb.world.numbers[PNID]!.pendingCode!;
      expect(code).toMatch(/^\d{6}$/);
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
      expect((await post(h, `${PNID}/verify_code`, { code: wrong })).body.error.code).toBe(136025);
      expect((await post(h, `${PNID}/verify_code`, { code })).body).toEqual({ success: true });
      expect((await post(h, `${PNID}/verify_code`, { code })).body.error.code).toBe(136025);
    });

    it('refuses a two-step PIN that is not six digits', async () => {
      const res = await post(h, PNID, { pin: '12ab56' });
      expect(res.body.error).toMatchObject({ code: 100 });
    });
  });

  describe('settings', () => {
    it('reads and updates settings, refusing unknown keys and values', async () => {
      const before = await graph(h.sb, `${PNID}/settings`);
      expect(before.body.calling.status).toBe('DISABLED');
      expect((await post(h, `${PNID}/settings`, { calling: { status: 'ENABLED' } })).body).toEqual({
        success: true,
      });
      expect((await graph(h.sb, `${PNID}/settings`)).body.calling.status).toBe('ENABLED');
      const badKey = await post(h, `${PNID}/settings`, { calling: { stauts: 'ENABLED' } });
      expect(badKey.body.error.message).toBe('(#100) Unexpected key "stauts" on param "calling".');
      const badValue = await post(h, `${PNID}/settings`, { calling: { status: 'ON' } });
      expect(badValue.body.error.code).toBe(100);
      const region = await post(h, `${PNID}/settings`, {
        storage_configuration: { status: 'IN_COUNTRY_STORAGE_ENABLED' },
      });
      expect(JSON.stringify(region.body.error)).toContain('data_localization_region');
    });
  });

  describe('template edit', () => {
    const templateId = (name: string) => Object.values(h.sb.world.templates).find((t) => t.name === name)!.id;

    it('edits components, sends the template back through review, and limits approved edits', async () => {
      const id = templateId('appointment_reminder');
      const edited = await post(h, id, {
        components: [{ type: 'BODY', text: 'Hi {{1}}, see you on {{2}} at {{3}}.' }],
      });
      expect(edited.body).toEqual({ success: true });
      expect((await graph(h.sb, `${id}?fields=status`)).body).toEqual({ status: 'PENDING', id });
      await h.sb.clock.advance(1500);
      expect((await graph(h.sb, `${id}?fields=status`)).body.status).toBe('APPROVED');
      const update = h.hub.changes('message_template_status_update').at(-1)?.value;
      expect(update).toMatchObject({ event: 'APPROVED', message_template_id: Number(id) });
      const again = await post(h, id, { components: [{ type: 'BODY', text: 'Hi {{1}}.' }] });
      expect(again.body.error.error_data.details).toContain('once in 24 hours');
    });

    it.each([
      ['the name', { name: 'other' }, 'name and language'],
      ['an approved category', { category: 'MARKETING' }, 'category cannot be edited'],
      ['components without a body', { components: [{ type: 'FOOTER', text: 'x' }] }, 'BODY'],
      ['nothing', {}, 'components'],
    ])('refuses to edit %s', async (_name, body, detail) => {
      const res = await post(h, templateId('hello_world'), body);
      expect(res.body.error.code).toBe(100);
      expect(JSON.stringify(res.body.error)).toContain(detail);
    });

    it('refuses to edit a pending template', async () => {
      const id = templateId('hello_world');
      await post(h, id, { components: [{ type: 'BODY', text: 'Hello' }] });
      const res = await post(h, id, { components: [{ type: 'BODY', text: 'Hello again' }] });
      expect(JSON.stringify(res.body.error)).toContain('PENDING');
    });
  });
});
