import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildTemplateSendPayload, GraphApiError, WhatsAppClient } from '@kapso/whatsapp-cloud-api';
import { normalizeWebhook, verifySignature } from '@kapso/whatsapp-cloud-api/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from './index.ts';
import { CUSTOMER, PNID, WABA } from './testing/harness.ts';
import { startMediaServer } from './testing/media-server.ts';

type Normalized = ReturnType<typeof normalizeWebhook>;

/** What the library's own `GraphApiError` says about a refused call. */
async function refusal(call: Promise<unknown>): Promise<GraphApiError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GraphApiError);
  return error as GraphApiError;
}

/**
 * A second published Cloud API client, @kapso/whatsapp-cloud-api (Kapso's TypeScript client),
 * driven through its own API against the sandbox. The only change is `baseUrl`; its webhook
 * helpers (`verifySignature`, `normalizeWebhook`) check and read what the sandbox delivers.
 */
describe('the published client @kapso/whatsapp-cloud-api works against the sandbox unchanged', () => {
  let sb: Sandbox;
  let wa: WhatsAppClient;
  let server: Server;
  let links: Awaited<ReturnType<typeof startMediaServer>>;
  const webhooks: Normalized[] = [];
  let badSignatures = 0;

  const statusesOf = (id: string) =>
    webhooks.flatMap((w) => w.statuses).filter((s) => (s as { id?: string }).id === id) as {
      status: string;
      errors?: { code: number; errorData?: { details?: string } }[];
    }[];

  beforeEach(async () => {
    webhooks.length = 0;
    badSignatures = 0;
    sb = await startSandbox({
      clock: 'manual',
      seed: 5,
      statuses: 'strict',
      customers: [{ waId: CUSTOMER, name: 'Zoë Ünal' }],
      templateReview: { delayMs: 1000 },
    });
    links = await startMediaServer();
    wa = new WhatsAppClient({ accessToken: 'sandbox-access-token', baseUrl: sb.url, graphVersion: 'v23.0' });
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET') {
        const ok = url.searchParams.get('hub.verify_token') === 'sandbox-verify-token';
        res.writeHead(ok ? 200 : 403).end(ok ? (url.searchParams.get('hub.challenge') ?? '') : '');
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const rawBody = Buffer.concat(chunks);
        const signatureHeader = req.headers['x-hub-signature-256'];
        if (
          !verifySignature({
            appSecret: 'sandbox-app-secret',
            rawBody,
            signatureHeader: String(signatureHeader),
          })
        ) {
          badSignatures++;
          res.writeHead(401).end();
          return;
        }
        webhooks.push(normalizeWebhook(JSON.parse(rawBody.toString('utf8'))));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    await sb.setCallback(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await sb.control.customerText(CUSTOMER, 'Hola');
    await sb.idle();
  });
  afterEach(async () => {
    await sb.close();
    await links.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('reads an inbound message with its normaliser, signature checked', async () => {
    const inbound = webhooks.flatMap((w) => w.messages)[0] as {
      from: string;
      type: string;
      text: { body: string };
    };
    expect(inbound).toMatchObject({ from: CUSTOMER, type: 'text', text: { body: 'Hola' } });
    expect(webhooks[0]!.phoneNumberId).toBe(PNID);
    expect(webhooks[0]!.contacts[0]).toMatchObject({ waId: CUSTOMER, profile: { name: 'Zoë Ünal' } });
    expect(badSignatures).toBe(0);
  });

  it('sends every message type, and each gets sent, delivered and read', async () => {
    const base = { phoneNumberId: PNID, to: `+${CUSTOMER}` };
    const inboundId = (webhooks.flatMap((w) => w.messages)[0] as { id: string }).id;
    const upload = await wa.media.upload({
      phoneNumberId: PNID,
      type: 'image/png',
      file: new Blob([Buffer.from('png-bytes')], { type: 'image/png' }),
      fileName: 'a.png',
    });
    const sends = [
      wa.messages.sendText({ ...base, body: 'https://example.com is our site', previewUrl: true }),
      wa.messages.sendImage({ ...base, image: { id: upload.id, caption: 'look' } }),
      wa.messages.sendVideo({ ...base, video: { link: links.url('/v.mp4?type=video/mp4'), caption: 'v' } }),
      wa.messages.sendAudio({ ...base, audio: { link: links.url('/a.ogg?type=audio/ogg') } }),
      wa.messages.sendDocument({
        ...base,
        document: { link: links.url('/d.pdf?type=application/pdf'), filename: 'd.pdf', caption: 'doc' },
      }),
      wa.messages.sendSticker({ ...base, sticker: { link: links.url('/s.webp?type=image/webp') } }),
      wa.messages.sendLocation({
        ...base,
        location: { latitude: 40.4, longitude: -3.7, name: 'Office', address: 'Gran Vía 1' },
      }),
      wa.messages.sendContacts({
        ...base,
        contacts: [
          {
            name: { formattedName: 'Ana Ruiz', firstName: 'Ana' },
            phones: [{ phone: '+34600000000', type: 'CELL' }],
          },
        ],
      }),
      wa.messages.sendReaction({ ...base, reaction: { messageId: inboundId, emoji: '👍' } }),
      wa.messages.sendText({ ...base, body: 'quoting you', contextMessageId: inboundId }),
      wa.messages.sendInteractiveButtons({
        ...base,
        bodyText: 'Pick one',
        footerText: 'footer',
        header: { type: 'text', text: 'Choices' },
        buttons: [
          { id: 'a', title: 'A' },
          { id: 'b', title: 'B' },
        ],
      }),
      wa.messages.sendInteractiveList({
        ...base,
        bodyText: 'Which?',
        buttonText: 'Options',
        sections: [{ title: 'Fast', rows: [{ id: 'x', title: 'Express', description: 'Next day' }] }],
      }),
      wa.messages.sendInteractiveCtaUrl({
        ...base,
        bodyText: 'See the offer',
        parameters: { displayText: 'Open', url: 'https://example.com/offer' },
      }),
      wa.messages.sendTemplate({
        ...base,
        template: { name: 'hello_world', language: { code: 'en_US', policy: 'deterministic' } },
      }),
      wa.messages.sendTemplate({
        ...base,
        // The library's builder and its sendTemplate input are typed apart; the payload is the same.
        template: buildTemplateSendPayload({
          name: 'order_confirmation',
          language: 'en_US',
          body: [
            { type: 'text', parameterName: 'first_name', text: 'Jess' },
            { type: 'text', parameterName: 'order_number', text: 'A-1' },
          ],
        }) as Parameters<WhatsAppClient['messages']['sendTemplate']>[0]['template'],
      }),
    ];
    const ids: string[] = [];
    for (const s of sends) {
      const res = await s;
      expect(res.contacts[0]).toEqual({ input: `+${CUSTOMER}`, waId: CUSTOMER });
      ids.push(res.messages[0]!.id);
    }
    expect(
      await wa.messages.markRead({
        phoneNumberId: PNID,
        messageId: inboundId,
        typingIndicator: { type: 'text' },
      }),
    ).toEqual({
      success: true,
    });
    await sb.clock.advance(10_000);
    ids.forEach((id, i) => {
      // The audio (fourth send) is also played, as Meta reports for voice messages.
      const expected = i === 3 ? ['sent', 'delivered', 'read', 'played'] : ['sent', 'delivered', 'read'];
      expect(statusesOf(id).map((s) => s.status)).toEqual(expected);
    });
    expect(badSignatures).toBe(0);
    // The body went out as Meta expects it: snake_case, preview_url on the text.
    const requests = (await sb.control.requests()).data as { body: { text?: { preview_url?: boolean } } }[];
    expect(requests.some((r) => r.body?.text?.preview_url === true)).toBe(true);
  });

  it('uploads, reads, downloads and deletes media', async () => {
    const bytes = Buffer.from('%PDF-1.4 sandbox');
    const { id } = await wa.media.upload({
      phoneNumberId: PNID,
      type: 'application/pdf',
      file: new Blob([bytes], { type: 'application/pdf' }),
      fileName: 'invoice.pdf',
    });
    const info = await wa.media.get({ mediaId: id, phoneNumberId: PNID });
    expect(info).toMatchObject({
      id,
      mimeType: 'application/pdf',
      fileSize: bytes.length,
      messagingProduct: 'whatsapp',
    });
    const downloaded = await wa.media.download({ mediaId: id, auth: 'always' });
    expect(Buffer.from(downloaded as ArrayBuffer).equals(bytes)).toBe(true);
    expect(await wa.media.delete({ mediaId: id })).toEqual({ success: true });
    const gone = await refusal(wa.media.get({ mediaId: id }));
    expect({ code: gone.code, subcode: gone.errorSubcode, type: gone.type }).toEqual({
      code: 100,
      subcode: 33,
      type: 'GraphMethodException',
    });
    const resent = await refusal(
      wa.messages.sendDocument({ phoneNumberId: PNID, to: CUSTOMER, document: { id } }),
    );
    expect(resent.code).toBe(131009);
  });

  it('lists, creates and deletes templates, with the review webhook', async () => {
    const list = await wa.templates.list({ businessAccountId: WABA, limit: 50 });
    expect(list.data.map((t) => t.name)).toEqual(expect.arrayContaining(['hello_world', 'seasonal_promo']));
    const created = await wa.templates.create({
      businessAccountId: WABA,
      name: 'shipping_update',
      language: 'en_US',
      category: 'UTILITY',
      components: [
        { type: 'BODY', text: 'Your parcel {{1}} is on its way.', example: { body_text: [['X1']] } },
      ],
    });
    expect(created).toMatchObject({ status: 'PENDING', category: 'UTILITY' });
    await sb.clock.advance(1500);
    const review = webhooks.flatMap(
      (w) => (w.raw.messageTemplateStatusUpdate ?? []) as { event: string; messageTemplateName: string }[],
    );
    expect(review).toEqual([
      expect.objectContaining({ event: 'APPROVED', messageTemplateName: 'shipping_update' }),
    ]);
    expect(await wa.templates.delete({ businessAccountId: WABA, name: 'shipping_update' })).toEqual({
      success: true,
    });
    const duplicate = await refusal(
      wa.templates.create({
        businessAccountId: WABA,
        name: 'hello_world',
        language: 'en_US',
        category: 'UTILITY',
        components: [{ type: 'BODY', text: 'x' }],
      }),
    );
    expect(duplicate.code).toBe(100);
  });

  it("surfaces Meta's errors through the library's GraphApiError", async () => {
    const badToken = new WhatsAppClient({ accessToken: 'wrong', baseUrl: sb.url, graphVersion: 'v23.0' });
    const auth = await refusal(badToken.messages.sendText({ phoneNumberId: PNID, to: CUSTOMER, body: 'x' }));
    expect(auth.code).toBe(190);
    expect(auth.message).toBe('Invalid OAuth access token - Cannot parse access token');
    expect(auth.errorData).toBeUndefined();

    const template = await refusal(
      wa.messages.sendTemplate({
        phoneNumberId: PNID,
        to: CUSTOMER,
        template: { name: 'nope', language: { code: 'en_US' } },
      }),
    );
    expect(template.code).toBe(132001);
    expect(template.details).toContain('nope');

    const missingText = await refusal(
      wa.messages.sendTemplate({
        phoneNumberId: PNID,
        to: CUSTOMER,
        template: {
          name: 'appointment_reminder',
          language: { code: 'en_US' },
          components: [{ type: 'body', parameters: [{ type: 'text', text: 'Jo' }, { type: 'text' }] }],
        },
      }),
    );
    expect(missingText.code).toBe(100);

    const unknownKey = await refusal(
      wa.messages.sendRaw({
        phoneNumberId: PNID,
        payload: {
          messagingProduct: 'whatsapp',
          to: CUSTOMER,
          type: 'template',
          template: { name: 'hello_world', language: { code: 'en_US', policystring: 'deterministic' } },
        },
      }),
    );
    expect(unknownKey.message).toBe(`(#100) Unexpected key "policystring" on param "template['language']".`);

    const stranger = await wa.messages.sendTemplate({
      phoneNumberId: PNID,
      to: '+16505550199',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    const brokenLink = await wa.messages.sendImage({
      phoneNumberId: PNID,
      to: CUSTOMER,
      image: { link: links.url('/status/404') },
    });
    await sb.clock.advance(5000);
    expect(statusesOf(stranger.messages[0]!.id).map((s) => [s.status, s.errors?.[0]?.code])).toEqual([
      ['failed', 131026],
    ]);
    expect(statusesOf(brokenLink.messages[0]!.id)[0]!.errors![0]!.code).toBe(131053);
  });

  it('manages the number: business profile, settings, code verification, registration', async () => {
    expect(
      await wa.phoneNumbers.businessProfile.update({
        phoneNumberId: PNID,
        about: 'Fresh bread',
        vertical: 'RETAIL',
      }),
    ).toEqual({ success: true });
    const profile = await wa.phoneNumbers.businessProfile.get({
      phoneNumberId: PNID,
      fields: 'about,vertical',
    });
    expect(profile).toEqual({
      data: [{ about: 'Fresh bread', vertical: 'RETAIL', messagingProduct: 'whatsapp' }],
    });
    const badVertical = await refusal(
      wa.phoneNumbers.businessProfile.update({ phoneNumberId: PNID, vertical: 'BAKERY' }),
    );
    expect(badVertical.code).toBe(100);

    expect(
      await wa.phoneNumbers.settings.update({ phoneNumberId: PNID, calling: { status: 'ENABLED' } }),
    ).toEqual({
      success: true,
    });
    expect(await wa.phoneNumbers.settings.get({ phoneNumberId: PNID })).toMatchObject({
      calling: { status: 'ENABLED' },
    });

    expect(
      await wa.phoneNumbers.requestCode({ phoneNumberId: PNID, codeMethod: 'SMS', language: 'en_US' }),
    ).toEqual({
      success: true,
    });
    const code = sb.world.numbers[PNID]!.pendingCode!;
    expect(await wa.phoneNumbers.verifyCode({ phoneNumberId: PNID, code })).toEqual({ success: true });

    expect(await wa.phoneNumbers.deregister({ phoneNumberId: PNID })).toEqual({ success: true });
    const offline = await refusal(wa.messages.sendText({ phoneNumberId: PNID, to: CUSTOMER, body: 'x' }));
    expect(offline.code).toBe(133010);
    expect(await wa.phoneNumbers.register({ phoneNumberId: PNID, pin: '246810' })).toEqual({ success: true });
    const wrongPin = await refusal(wa.phoneNumbers.register({ phoneNumberId: PNID, pin: '000000' }));
    expect(wrongPin.code).toBe(133005);
  });
});
