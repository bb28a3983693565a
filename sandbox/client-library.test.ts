import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WhatsAppAPI } from 'whatsapp-api-js';
import {
  ActionButtons,
  Body,
  BodyComponent,
  BodyParameter,
  Button,
  Image,
  Interactive,
  Template,
  Text,
} from 'whatsapp-api-js/messages';
import { type Sandbox, startSandbox } from './index.ts';
import { CUSTOMER, PNID } from './testing/harness.ts';

/** The only change a client library needs: Graph calls go to the sandbox instead of graph.facebook.com. */
function sandboxFetch(sb: Sandbox): typeof fetch {
  return (input, init) => {
    const url = String(input instanceof Request ? input.url : input).replace(
      'https://graph.facebook.com',
      sb.url,
    );
    return fetch(url, init);
  };
}

describe('the published client library whatsapp-api-js works against the sandbox unchanged', () => {
  let sb: Sandbox;
  let api: WhatsAppAPI;
  let server: Server;
  const events: { kind: string; data: Record<string, unknown> }[] = [];

  beforeEach(async () => {
    events.length = 0;
    // whatsapp-api-js reads only the first item of a POST, so this test asks for one update per POST.
    sb = await startSandbox({
      clock: 'manual',
      seed: 3,
      customers: [{ waId: CUSTOMER, name: 'Zoë Ünal' }],
      webhooks: { maxBatch: 1, concurrency: 1, timeoutMs: 5000 },
    });
    api = new WhatsAppAPI({
      token: 'sandbox-access-token',
      appSecret: 'sandbox-app-secret',
      webhookVerifyToken: 'sandbox-verify-token',
      v: 'v23.0',
      ponyfill: { fetch: sandboxFetch(sb) },
    });
    api.on.message = (args) => {
      events.push({ kind: 'message', data: { from: args.from, name: args.name, message: args.message } });
    };
    api.on.status = (args) => {
      events.push({ kind: 'status', data: { id: args.id, status: args.status, pricing: args.pricing } });
    };
    // The library's own webhook handling: GET verification and POST signature check.
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET') {
        try {
          const challenge = api.get(Object.fromEntries(url.searchParams) as never);
          res.writeHead(200).end(challenge);
        } catch {
          res.writeHead(403).end();
        }
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        try {
          await api.post(JSON.parse(raw), raw, req.headers['x-hub-signature-256'] as string);
          res.writeHead(200).end();
        } catch (error) {
          events.push({ kind: 'rejected', data: { error: String(error) } });
          res.writeHead(401).end();
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    await sb.setCallback(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`);
  });

  afterEach(async () => {
    await sb.close();
    await new Promise((r) => server.close(r));
  });

  it('verifies signed webhooks (with non-ASCII text) using the library’s own check', async () => {
    await sb.control.customerText(CUSTOMER, 'Olá! Ça va? 😮 https://example.com/a');
    await sb.idle();
    expect(events.filter((e) => e.kind === 'rejected')).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'message',
      data: {
        from: CUSTOMER,
        name: 'Zoë Ünal',
        message: { type: 'text', text: { body: 'Olá! Ça va? 😮 https://example.com/a' } },
      },
    });
  });

  it('rejects webhooks signed with another app secret', async () => {
    const other = new WhatsAppAPI({
      token: 't',
      appSecret: 'another-secret',
      webhookVerifyToken: 'sandbox-verify-token',
      v: 'v23.0',
    });
    api = other;
    other.on.message = () => {
      events.push({ kind: 'message', data: {} });
    };
    await sb.control.customerText(CUSTOMER, 'hi');
    await sb.idle();
    expect(events.map((e) => e.kind)).toEqual(['rejected']);
  });

  it('sends text, interactive, template, media and mark-as-read through the library', async () => {
    await sb.control.customerText(CUSTOMER, 'hi');
    await sb.idle();
    const inbound = (events[0]!.data.message as { id: string }).id;

    const text = await api.sendMessage(PNID, CUSTOMER, new Text('Hello from whatsapp-api-js'));
    expect(text).toMatchObject({
      messaging_product: 'whatsapp',
      contacts: [{ input: CUSTOMER, wa_id: CUSTOMER }],
    });

    const buttons = await api.sendMessage(
      PNID,
      CUSTOMER,
      new Interactive(
        new ActionButtons(new Button('yes', 'Yes'), new Button('no', 'No')),
        new Body('Confirm?'),
      ),
    );
    expect('messages' in buttons).toBe(true);

    const template = await api.sendMessage(
      PNID,
      CUSTOMER,
      new Template(
        'appointment_reminder',
        'en_US',
        new BodyComponent(new BodyParameter('Ana'), new BodyParameter('Friday')),
      ),
    );
    expect('messages' in template).toBe(true);

    const form = new FormData();
    form.set('file', new Blob([Buffer.from('\x89PNG fake image')], { type: 'image/png' }), 'a.png');
    const uploaded = (await api.uploadMedia(PNID, form)) as { id: string };
    expect(uploaded.id).toMatch(/^\d+$/);
    const info = (await api.retrieveMedia(uploaded.id)) as unknown as {
      url: string;
      mime_type: string;
      file_size: number;
    };
    expect(info).toMatchObject({ mime_type: 'image/png', file_size: 16 });
    const download = await api.fetchMedia(info.url);
    expect(Buffer.from(await download.arrayBuffer()).toString()).toBe('\x89PNG fake image');
    const image = await api.sendMessage(PNID, CUSTOMER, new Image(uploaded.id, true, 'caption'));
    expect('messages' in image).toBe(true);

    expect(await api.markAsRead(PNID, inbound, 'text')).toEqual({ success: true });

    await sb.clock.advance(2000);
    const statuses = events.filter((e) => e.kind === 'status').map((e) => e.data.status);
    expect(statuses.filter((s) => s === 'read')).toHaveLength(4);
    expect(statuses).not.toContain('failed');
    expect(events.filter((e) => e.kind === 'rejected')).toEqual([]);
  });

  it('surfaces Meta’s error shape to the library', async () => {
    const res = (await api.sendMessage(
      PNID,
      CUSTOMER,
      new Template('no_such_template', 'en_US'),
    )) as unknown as {
      error: { code: number };
    };
    expect(res.error.code).toBe(132001);
  });
});
