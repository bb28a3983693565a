import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../testing/databases.ts';
import { type OutboundEnv, PNID, startOutboundEnv, WABA } from '../testing/sandbox-env.ts';

const CUSTOMER = '16505551234';
const APP = { package_name: 'com.example.shop', signature_hash: 'K8a/AINcGX7' };
const auth = (
  name: string,
  authentication: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) => ({
  waba_id: WABA,
  name,
  language: 'en_US',
  category: 'AUTHENTICATION',
  authentication,
  ...extra,
});

describe.each(testDialects)('authentication templates against the sandbox (%s)', (dialect) => {
  let env: OutboundEnv;
  beforeAll(async () => {
    env = await startOutboundEnv(dialect, { sandbox: { templateReview: { delayMs: 300 } } });
  });
  afterAll(async () => {
    await env?.close();
  });

  it("creates one in Meta's format, keeps its preset text, and sends a code with the button filled in, priced as authentication", async () => {
    const created = await env.api(
      'POST',
      '/api/templates',
      auth('login_code', {
        otp_type: 'COPY_CODE',
        add_security_recommendation: true,
        code_expiration_minutes: 10,
      }),
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.data.id;
    expect(created.body.data.components).toEqual([
      {
        type: 'BODY',
        add_security_recommendation: true,
        text: '*{{1}}* is your verification code. For your security, do not share this code.',
      },
      { type: 'FOOTER', code_expiration_minutes: 10, text: 'This code expires in 10 minutes.' },
      { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
    ]);
    // What Meta received: no text of its own, only the options.
    const request = (await env.sandbox.control.requests()).data.find((r) =>
      JSON.stringify(r).includes('login_code'),
    );
    expect(JSON.stringify(request)).toContain('"add_security_recommendation":true');
    expect(JSON.stringify(request)).not.toContain('verification code');
    await env.waitFor(
      async () => (await env.api('GET', `/api/templates/${id}`)).body.data.status === 'APPROVED',
      'the review result',
    );

    // The code given once (the body shorthand) goes in the body and in the OTP button.
    const sent = await env.api('POST', '/api/messages', {
      phone_number_id: PNID,
      to: CUSTOMER,
      type: 'template',
      template: { name: 'login_code', language: 'en_US', parameters: ['482913'] },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    const delivered = await env.waitFor(async () => {
      const row = await env.db.db
        .selectFrom('messages')
        .select(['status', 'pricing_json', 'content_json'])
        .where('id', '=', sent.body.id)
        .executeTakeFirst();
      return row && ['delivered', 'read'].includes(row.status) && row.pricing_json ? row : null;
    }, 'the delivery with its pricing');
    expect(JSON.parse(delivered.pricing_json ?? '{}')).toMatchObject({ category: 'authentication' });
    const graphSend = (await env.sandbox.control.requests()).data
      .map((r) => JSON.stringify(r))
      .find((r) => r.includes('"login_code"') && r.includes('482913'));
    expect(graphSend).toContain('"sub_type":"url"');
    expect(JSON.parse(delivered.content_json).components).toEqual([
      { type: 'body', parameters: [{ type: 'text', text: '482913' }] },
      { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '482913' }] },
    ]);

    const tooLong = await env.api('POST', '/api/messages', {
      phone_number_id: PNID,
      to: CUSTOMER,
      type: 'template',
      template: { name: 'login_code', language: 'en_US', parameters: ['1234567890123456'] },
    });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.error.code).toBe('TEMPLATE_PARAMETERS_INVALID');
  });

  it('refuses what Meta refuses before submitting it, naming each problem', async () => {
    const cases: [Record<string, unknown>, Record<string, unknown>?][] = [
      [{ otp_type: 'ONE_TAP' }],
      [{ otp_type: 'ONE_TAP', supported_apps: [{ ...APP, package_name: 'shop' }] }],
      [{ otp_type: 'ONE_TAP', supported_apps: [{ ...APP, signature_hash: 'K8a/AINcGX' }] }],
      [{ otp_type: 'ZERO_TAP', supported_apps: [APP] }],
      [{ otp_type: 'COPY_CODE' }, { body: { text: 'Your code is {{1}}', examples: ['1'] } }],
      [{ otp_type: 'COPY_CODE' }, { footer: { text: 'Bye' } }],
    ];
    for (const [options, extra] of cases) {
      const res = await env.api('POST', '/api/templates', auth('bad_auth', options, extra));
      expect(res.status, JSON.stringify(options)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const expiry = await env.api(
      'POST',
      '/api/templates',
      auth('bad_auth', { otp_type: 'COPY_CODE', code_expiration_minutes: 91 }),
    );
    expect(expiry.status).toBe(400);
    const zero = await env.api(
      'POST',
      '/api/templates',
      auth('zero_tap_code', { otp_type: 'ZERO_TAP', supported_apps: [APP], zero_tap_terms_accepted: true }),
    );
    expect(zero.status, JSON.stringify(zero.body)).toBe(201);
    expect(zero.body.data.components.at(-1).buttons[0]).toMatchObject({
      type: 'OTP',
      otp_type: 'ZERO_TAP',
      supported_apps: [APP],
      zero_tap_terms_accepted: true,
    });
  });
});
