import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { graph, harness, type Json, send, WABA } from '../testing/harness.ts';

type H = Awaited<ReturnType<typeof harness>>;

const APP = { package_name: 'com.example.shop', signature_hash: 'K8a/AINcGX7' };
const create = (h: H, components: Json[], extra: Json = {}) =>
  graph(h.sb, `${WABA}/message_templates`, {
    body: { name: 'login_code', category: 'authentication', language: 'en_US', components, ...extra },
  });
const otp = (button: Json) => ({ type: 'buttons', buttons: [{ type: 'otp', ...button }] });

describe('authentication templates (one-time passwords)', () => {
  let h: H;
  beforeEach(async () => {
    h = await harness({ templateReview: { delayMs: 5000, rejectNames: [] } });
  });
  afterEach(() => h.close());

  it('creates a copy code template with the preset body, the expiry footer and the OTP button, then approves it', async () => {
    const res = await create(h, [
      { type: 'body', add_security_recommendation: true },
      { type: 'footer', code_expiration_minutes: 10 },
      otp({ otp_type: 'copy_code', text: 'Copy it' }),
    ]);
    expect(res.body).toEqual({ id: expect.any(String), status: 'PENDING', category: 'AUTHENTICATION' });
    await h.sb.clock.advance(5000);
    const [listed] = (await graph(h.sb, `${WABA}/message_templates?name=login_code`)).body.data;
    expect(listed).toMatchObject({ status: 'APPROVED', category: 'AUTHENTICATION' });
    expect(listed.components).toEqual([
      {
        type: 'BODY',
        text: '*{{1}}* is your verification code. For your security, do not share this code.',
        add_security_recommendation: true,
      },
      { type: 'FOOTER', text: 'This code expires in 10 minutes.', code_expiration_minutes: 10 },
      { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy it' }] },
    ]);
  });

  it('keeps the Android apps of one-tap and zero-tap buttons (the older one-app shape too)', async () => {
    const one = await create(h, [
      { type: 'body' },
      otp({
        otp_type: 'ONE_TAP',
        autofill_text: 'Autofill',
        package_name: APP.package_name,
        signature_hash: APP.signature_hash,
      }),
    ]);
    expect(one.status).toBe(200);
    const zero = await graph(h.sb, `${WABA}/message_templates`, {
      body: {
        name: 'login_zero',
        category: 'AUTHENTICATION',
        language: 'es',
        components: [
          { type: 'BODY', add_security_recommendation: false },
          otp({ otp_type: 'ZERO_TAP', zero_tap_terms_accepted: true, supported_apps: [APP] }),
        ],
      },
    });
    expect(zero.status).toBe(200);
    const all = (await graph(h.sb, `${WABA}/message_templates?category=AUTHENTICATION`)).body.data as Json[];
    const byName = new Map(all.map((t) => [t.name, t]));
    expect(byName.get('login_code')?.components[1].buttons[0]).toEqual({
      type: 'OTP',
      otp_type: 'ONE_TAP',
      text: 'Copy code',
      autofill_text: 'Autofill',
      supported_apps: [APP],
    });
    expect(byName.get('login_zero')?.components).toEqual([
      { type: 'BODY', text: 'Tu código de verificación es *{{1}}*.', add_security_recommendation: false },
      {
        type: 'BUTTONS',
        buttons: [
          {
            type: 'OTP',
            otp_type: 'ZERO_TAP',
            text: 'Copiar código',
            supported_apps: [APP],
            zero_tap_terms_accepted: true,
          },
        ],
      },
    ]);
  });

  it('refuses malformed authentication templates with code 100 and what is wrong', async () => {
    const body = { type: 'body', add_security_recommendation: true };
    const cases: [string, Json[], Json?][] = [
      ['a body text', [{ type: 'body', text: 'Your code is {{1}}' }, otp({ otp_type: 'copy_code' })]],
      ['a header', [{ type: 'header', format: 'TEXT', text: 'Hi' }, body, otp({ otp_type: 'copy_code' })]],
      ['a footer text', [body, { type: 'footer', text: 'Bye' }, otp({ otp_type: 'copy_code' })]],
      ['expiry 0', [body, { type: 'footer', code_expiration_minutes: 0 }, otp({ otp_type: 'copy_code' })]],
      ['expiry 91', [body, { type: 'footer', code_expiration_minutes: 91 }, otp({ otp_type: 'copy_code' })]],
      ['no button', [body]],
      ['a quick reply', [body, { type: 'buttons', buttons: [{ type: 'QUICK_REPLY', text: 'Yes' }] }]],
      [
        'two OTP buttons',
        [
          body,
          {
            type: 'buttons',
            buttons: [
              { type: 'OTP', otp_type: 'COPY_CODE' },
              { type: 'OTP', otp_type: 'COPY_CODE' },
            ],
          },
        ],
      ],
      ['an unknown otp_type', [body, otp({ otp_type: 'TWO_TAP' })]],
      ['one-tap without its app', [body, otp({ otp_type: 'one_tap' })]],
      [
        'a bad package name',
        [body, otp({ otp_type: 'one_tap', supported_apps: [{ ...APP, package_name: 'shop' }] })],
      ],
      [
        'a bad signature hash',
        [body, otp({ otp_type: 'one_tap', supported_apps: [{ ...APP, signature_hash: 'short' }] })],
      ],
      ['six apps', [body, otp({ otp_type: 'one_tap', supported_apps: Array(6).fill(APP) })]],
      ['zero-tap without its terms', [body, otp({ otp_type: 'zero_tap', supported_apps: [APP] })]],
      ['a long button label', [body, otp({ otp_type: 'copy_code', text: 'x'.repeat(26) })]],
      ['a ttl over 15 minutes', [body, otp({ otp_type: 'copy_code' })], { message_send_ttl_seconds: 901 }],
    ];
    for (const [what, components, extra] of cases) {
      const res = await create(h, components, extra);
      expect(res.status, what).toBe(400);
      expect(res.body.error, what).toMatchObject({ code: 100, type: 'OAuthException' });
      expect(res.body.error.error_data.details, what).toEqual(expect.any(String));
    }
    expect((await graph(h.sb, `${WABA}/message_templates?name=login_code`)).body.data).toEqual([]);
  });

  it('sends the code in the body and in the OTP button, priced as authentication', async () => {
    await create(h, [{ type: 'body', add_security_recommendation: true }, otp({ otp_type: 'copy_code' })]);
    await h.sb.clock.advance(5000);
    const template = (components: Json[]) => ({
      type: 'template',
      template: { name: 'login_code', language: { code: 'en_US' }, components },
    });
    const code = (text: string) => [{ type: 'text', text }];
    const bodyOnly = await send(h.sb, template([{ type: 'body', parameters: code('482913') }]));
    expect(bodyOnly.body.error).toMatchObject({ code: 132000 });
    const notUrl = await send(
      h.sb,
      template([
        { type: 'body', parameters: code('482913') },
        {
          type: 'button',
          sub_type: 'quick_reply',
          index: '0',
          parameters: [{ type: 'payload', payload: 'x' }],
        },
      ]),
    );
    expect(notUrl.body.error).toMatchObject({ code: 132000 });
    const tooLong = await send(
      h.sb,
      template([
        { type: 'body', parameters: code('1234567890123456') },
        { type: 'button', sub_type: 'url', index: '0', parameters: code('1234567890123456') },
      ]),
    );
    expect(tooLong.body.error).toMatchObject({ code: 100 });
    const ok = await send(
      h.sb,
      template([
        { type: 'body', parameters: code('482913') },
        { type: 'button', sub_type: 'url', index: '0', parameters: code('482913') },
      ]),
    );
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    await h.sb.clock.advance(2000);
    const delivered = h.hub.items('statuses').find((s) => s.status === 'delivered');
    expect(delivered?.pricing).toMatchObject({ billable: true, type: 'regular', category: 'authentication' });
  });
});
