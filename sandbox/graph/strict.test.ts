import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CUSTOMER, graph, harness, type Json, PNID, send, uploadMedia } from '../testing/harness.ts';
import { startMediaServer } from '../testing/media-server.ts';
import { resolvePhone } from './recipient.ts';

type H = Awaited<ReturnType<typeof harness>>;

const failedOf = (h: H, id: string) =>
  h.hub.items('statuses').find((s) => s.id === id && s.status === 'failed') as Json | undefined;

describe('what Meta refuses, the sandbox refuses', () => {
  let h: H;
  beforeEach(async () => {
    h = await harness();
    await h.sb.control.customerText(CUSTOMER, 'hello');
  });
  afterEach(() => h.close());

  describe('unknown keys at any depth', () => {
    it.each([
      ['previewUrl in text', { type: 'text', text: { body: 'x', previewUrl: true } }, 'previewUrl', 'text'],
      [
        'policystring in a template language',
        {
          type: 'template',
          template: { name: 'hello_world', language: { code: 'en_US', policystring: 'deterministic' } },
        },
        'policystring',
        "template['language']",
      ],
      [
        'a misspelt key in a template parameter',
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
                  { type: 'text', txt: 'b' },
                ],
              },
            ],
          },
        },
        'txt',
        "template['components'][0]['parameters'][1]",
      ],
      [
        'a key in a reply button',
        {
          type: 'interactive',
          interactive: {
            type: 'button',
            body: { text: 'b' },
            action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A', payload: 'p' } }] },
          },
        },
        'payload',
        "interactive['action']['buttons'][0]['reply']",
      ],
      [
        'a key in context',
        { text: { body: 'x' }, context: { message_id: 'w', from: 'me' } },
        'from',
        'context',
      ],
      [
        'a key in a contact phone',
        {
          type: 'contacts',
          contacts: [{ name: { formatted_name: 'A' }, phones: [{ phone: '+1555', kind: 'CELL' }] }],
        },
        'kind',
        "contacts[0]['phones'][0]",
      ],
    ])('%s', async (_name, body, key, path) => {
      const res = await send(h.sb, body as Json);
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual({
        message: `(#100) Unexpected key "${key}" on param "${path}".`,
        type: 'OAuthException',
        code: 100,
        fbtrace_id: expect.any(String),
      });
    });

    it('ignores unknown top-level keys, as Graph ignores unknown parameters', async () => {
      const res = await send(h.sb, { text: { body: 'x' }, client_ref: 'abc' });
      expect(res.status).toBe(200);
    });
  });

  describe('media references', () => {
    let links: Awaited<ReturnType<typeof startMediaServer>>;
    beforeEach(async () => {
      links = await startMediaServer();
    });
    afterEach(() => links.close());

    it('refuses an id that was never uploaded, or was deleted, with 131009', async () => {
      const never = await send(h.sb, { type: 'image', image: { id: '999000111' } });
      expect(never.status).toBe(400);
      expect(never.body.error).toMatchObject({
        code: 131009,
        message: '(#131009) Parameter value is not valid',
        error_data: { messaging_product: 'whatsapp', details: expect.stringContaining("image['id']") },
      });
      const id = await uploadMedia(h.sb, 'image/png', 'a.png');
      expect((await graph(h.sb, id, { method: 'DELETE' })).body).toEqual({ success: true });
      const deleted = await send(h.sb, { type: 'image', image: { id } });
      expect(deleted.body.error.code).toBe(131009);
      const header = await send(h.sb, {
        type: 'interactive',
        interactive: {
          type: 'button',
          header: { type: 'image', image: { id } },
          body: { text: 'b' },
          action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A' } }] },
        },
      });
      expect(header.body.error.error_data.details).toContain("interactive['header']['image']['id']");
    });

    it('accepts an id of the wrong kind, then fails it with 131053', async () => {
      const audio = await uploadMedia(h.sb, 'audio/ogg', 'a.ogg');
      const res = await send(h.sb, { type: 'image', image: { id: audio } });
      expect(res.status).toBe(200);
      await h.sb.clock.advance(2000);
      const failed = failedOf(h, res.body.messages[0].id)!;
      expect(failed.errors[0]).toMatchObject({ code: 131053, title: 'Media upload error' });
      expect(failed.errors[0].error_data.details).toContain('audio/ogg');
      expect(h.hub.items('statuses').filter((s) => s.id === res.body.messages[0].id)).toHaveLength(1);
    });

    it('fetches a link after accepting; an unreachable or wrongly typed one fails with 131053', async () => {
      const ok = await send(h.sb, { type: 'image', image: { link: links.url('/a.png?type=image/png') } });
      const missing = await send(h.sb, { type: 'image', image: { link: links.url('/status/404') } });
      const html = await send(h.sb, { type: 'video', video: { link: links.url('/v.mp4?type=text/html') } });
      for (const r of [ok, missing, html]) expect(r.status).toBe(200);
      await h.sb.clock.advance(2000);
      expect(links.requests).toEqual(['/a.png', '/status/404', '/v.mp4']);
      const statuses = (id: string) =>
        h.hub
          .items('statuses')
          .filter((s) => s.id === id)
          .map((s) => s.status);
      expect(statuses(ok.body.messages[0].id)).toEqual(['sent', 'delivered', 'read']);
      expect(failedOf(h, missing.body.messages[0].id)!.errors[0].error_data.details).toBe(
        'Downloading media from weblink failed with http code 404, status message Not Found',
      );
      expect(failedOf(h, html.body.messages[0].id)!.errors[0]).toMatchObject({
        code: 131053,
        error_data: { details: expect.stringContaining('text/html') },
      });
      expect(statuses(html.body.messages[0].id)).toEqual(['failed']);
    });

    it('checks the media of template header parameters too', async () => {
      const res = await send(h.sb, {
        type: 'template',
        template: {
          name: 'hello_world',
          language: { code: 'en_US' },
          components: [{ type: 'header', parameters: [{ type: 'image', image: { id: 'nope' } }] }],
        },
      });
      expect(res.body.error.code).toBe(131009);
    });
  });

  describe('recipients', () => {
    it('gives a number without country code the business number country code', async () => {
      expect(resolvePhone('6505551234', '15550783881')).toBe('16505551234');
      expect(resolvePhone('(650) 555-1234', '15550783881')).toBe('16505551234');
      expect(resolvePhone('16505551234', '15550783881')).toBe('16505551234');
      expect(resolvePhone('+44 7700 900123', '15550783881')).toBe('447700900123');
      expect(resolvePhone('07700 900123', '447700900000')).toBe('447700900123');
      expect(resolvePhone('0044 7700 900123', '15550783881')).toBe('447700900123');
      expect(resolvePhone('not a number', '15550783881')).toBeNull();
    });

    it('lands a national number in the same chat as the full number', async () => {
      const full = await send(h.sb, { text: { body: 'full' } }, '+16505551234');
      const national = await send(h.sb, { text: { body: 'national' } }, '650-555-1234');
      expect(national.body.contacts).toEqual([{ input: '650-555-1234', wa_id: CUSTOMER }]);
      expect(full.body.contacts[0].wa_id).toBe(CUSTOMER);
      const chat = await h.sb.control.chat(PNID, CUSTOMER);
      expect(chat.data.filter((m) => m.direction === 'out').map((m) => m.id)).toEqual([
        full.body.messages[0].id,
        national.body.messages[0].id,
      ]);
    });

    it('fails a template to a number that is not a configured customer with 131026', async () => {
      const res = await send(
        h.sb,
        { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } },
        '+16505550199',
      );
      expect(res.status).toBe(200);
      await h.sb.clock.advance(5000);
      const id = res.body.messages[0].id;
      expect(
        h.hub
          .items('statuses')
          .filter((s) => s.id === id)
          .map((s) => s.status),
      ).toEqual(['failed']);
      expect(failedOf(h, id)!.errors[0].code).toBe(131026);
    });

    it("creates unknown recipients on WhatsApp with unknownRecipients: 'create'", async () => {
      await h.sb.control.configure({ unknownRecipients: 'create' });
      const res = await send(
        h.sb,
        { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } },
        '+16505550199',
      );
      await h.sb.clock.advance(5000);
      const id = res.body.messages[0].id;
      expect(
        h.hub
          .items('statuses')
          .filter((s) => s.id === id)
          .map((s) => s.status),
      ).toEqual(['sent', 'delivered', 'read']);
    });
  });

  describe('error shapes', () => {
    it('answers unknown paths and objects without a (#code) prefix or error_data', async () => {
      const path = await graph(h.sb, `${PNID}/nothing_here`);
      expect(path.body.error).toEqual({
        message: `Unknown path components: /v23.0/${PNID}/nothing_here`,
        type: 'OAuthException',
        code: 2500,
        fbtrace_id: expect.any(String),
      });
      const object = await graph(h.sb, '123456789');
      expect(object.body.error).toEqual({
        message:
          "Unsupported get request. Object with ID '123456789' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
        type: 'GraphMethodException',
        code: 100,
        error_subcode: 33,
        fbtrace_id: expect.any(String),
      });
    });

    it('answers a template text parameter without its text with code 100', async () => {
      const res = await send(h.sb, {
        type: 'template',
        template: {
          name: 'appointment_reminder',
          language: { code: 'en_US' },
          components: [{ type: 'body', parameters: [{ type: 'text', text: 'a' }, { type: 'text' }] }],
        },
      });
      expect(res.body.error).toEqual({
        message: '(#100) Invalid parameter',
        type: 'OAuthException',
        code: 100,
        error_data: {
          messaging_product: 'whatsapp',
          details: "Parameter 'text' is mandatory for component parameter type 'text'",
        },
        fbtrace_id: expect.any(String),
      });
    });

    it('accepts a trailing slash on Graph paths', async () => {
      const res = await fetch(`${h.sb.url}/v23.0/${PNID}/messages/`, {
        method: 'POST',
        headers: { authorization: 'Bearer sandbox-access-token', 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', to: CUSTOMER, text: { body: 'slash' } }),
      });
      expect(res.status).toBe(200);
      const number = await graph(h.sb, `${PNID}/?fields=throughput`);
      expect(number.body).toEqual({ throughput: { level: 'STANDARD' }, id: PNID });
    });
  });
});
