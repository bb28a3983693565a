import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from './index.ts';
import { uploadMedia } from './testing/harness.ts';
import { TestReceiver } from './testing/receiver.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON from the wire, asserted field by field
type Json = Record<string, any>;
const PNID = '106540352242922';
const TOKEN = 'sandbox-access-token';

async function graph(sb: Sandbox, path: string, body?: unknown, token = TOKEN) {
  const res = await fetch(`${sb.url}/v23.0/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

describe('sandbox core', () => {
  let sb: Sandbox;
  let hub: TestReceiver;
  beforeEach(async () => {
    hub = await new TestReceiver().start();
    sb = await startSandbox({
      clock: 'manual',
      seed: 7,
      customers: [{ waId: '16505551234', name: 'Ana' }],
      statuses: 'strict',
    });
    await sb.setCallback(hub.url);
  });
  afterEach(async () => {
    await sb.close();
    await hub.close();
  });

  it('does the verify handshake with the verify token before delivering', () => {
    expect(hub.handshakes).toHaveLength(1);
    expect(hub.handshakes[0]!.get('hub.mode')).toBe('subscribe');
    expect(hub.handshakes[0]!.get('hub.verify_token')).toBe('sandbox-verify-token');
  });

  it('refuses a callback that fails the handshake', async () => {
    const wrong = await new TestReceiver('sandbox-app-secret', 'other-token').start();
    await expect(sb.setCallback(wrong.url)).rejects.toThrow(/verification failed/);
    await wrong.close();
  });

  it('delivers a signed messages webhook when a customer sends a text', async () => {
    const { id } = await sb.control.customerText('16505551234', 'Hello there');
    await sb.idle();
    expect(hub.posts).toHaveLength(1);
    expect(hub.posts[0]!.signatureValid).toBe(true);
    const change = hub.changes('messages')[0]!;
    expect(change.entryId).toBe('102290129340398');
    expect(change.value.metadata).toEqual({ display_phone_number: '15550783881', phone_number_id: PNID });
    expect(change.value.contacts).toEqual([{ profile: { name: 'Ana' }, wa_id: '16505551234' }]);
    const msg = (change.value.messages as Record<string, unknown>[])[0]!;
    expect(msg).toMatchObject({ from: '16505551234', id, type: 'text', text: { body: 'Hello there' } });
    expect(msg.timestamp).toMatch(/^\d{10}$/);
    expect(id).toMatch(/^wamid\.[A-Za-z0-9+/=]+$/);
  });

  it('rejects a wrong token with 190 and a missing one with 104, in Graph OAuth shape', async () => {
    const bad = await graph(
      sb,
      `${PNID}/messages`,
      { messaging_product: 'whatsapp', to: '16505551234', text: { body: 'x' } },
      'nope',
    );
    expect(bad.status).toBe(401);
    expect(bad.body.error).toEqual({
      message: 'Invalid OAuth access token - Cannot parse access token',
      type: 'OAuthException',
      code: 190,
      fbtrace_id: expect.any(String),
    });
    const res = await fetch(`${sb.url}/v23.0/${PNID}`);
    expect(((await res.json()) as { error: unknown }).error).toEqual({
      message: 'An access token is required to request this resource.',
      type: 'OAuthException',
      code: 104,
      fbtrace_id: expect.any(String),
    });
  });

  it('sends a text in the window and reports sent, delivered, read with PMP pricing', async () => {
    await sb.control.customerText('16505551234', 'Hi');
    const sent = await graph(sb, `${PNID}/messages`, {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+1 (650) 555-1234',
      type: 'text',
      text: { body: 'Hello from the hub' },
      biz_opaque_callback_data: 'out-1',
    });
    expect(sent.status).toBe(200);
    expect(sent.body.contacts).toEqual([{ input: '+1 (650) 555-1234', wa_id: '16505551234' }]);
    const wamid = sent.body.messages[0].id as string;
    await sb.clock.advance(5000);
    const statuses = hub.items('statuses');
    expect(statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    for (const s of statuses) {
      expect(s).toMatchObject({ id: wamid, recipient_id: '16505551234', biz_opaque_callback_data: 'out-1' });
    }
    expect(statuses[1]!.pricing).toEqual({
      billable: false,
      pricing_model: 'PMP',
      type: 'free_customer_service',
      category: 'service',
    });
    const chat = await sb.control.chat(PNID, '16505551234');
    expect(chat.data.map((m) => [m.direction, m.source])).toEqual([
      ['in', 'customer'],
      ['out', 'api'],
    ]);
  });

  it('reports played after read for a voice message, automatically or when the customer plays it', async () => {
    await sb.control.customerText('16505551234', 'Hi');
    const voice = async (to: string) => {
      const sent = await graph(sb, `${PNID}/messages`, {
        messaging_product: 'whatsapp',
        to,
        type: 'audio',
        audio: { id: await uploadMedia(sb, 'audio/ogg', 'note.ogg') },
      });
      expect(sent.status).toBe(200);
      return sent.body.messages[0].id as string;
    };
    const auto = await voice('16505551234');
    await sb.clock.advance(5000);
    expect(
      hub
        .items('statuses')
        .filter((s) => s.id === auto)
        .map((s) => s.status),
    ).toEqual(['sent', 'delivered', 'read', 'played']);

    await sb.control.addCustomer({ waId: '16505559999', name: 'Bo', autoRead: false });
    await sb.control.customerText('16505559999', 'Hi');
    const manual = await voice('16505559999');
    await sb.clock.advance(5000);
    const statusesOf = (id: string) =>
      hub
        .items('statuses')
        .filter((s) => s.id === id)
        .map((s) => s.status);
    expect(statusesOf(manual)).toEqual(['sent', 'delivered']);
    expect(await sb.control.customerPlays('16505559999', manual)).toEqual({ played: true });
    await sb.clock.advance(1000);
    expect(statusesOf(manual)).toEqual(['sent', 'delivered', 'read', 'played']);
    // Once only; a text is never "played".
    expect(await sb.control.customerPlays('16505559999', manual)).toEqual({ played: false });
  });

  it('accepts a template with parameters and prices a marketing template as regular', async () => {
    const sent = await graph(sb, `${PNID}/messages`, {
      messaging_product: 'whatsapp',
      to: '16505551234',
      type: 'template',
      template: {
        name: 'seasonal_promo',
        language: { code: 'en_US' },
        components: [
          { type: 'header', parameters: [{ type: 'text', text: 'Summer Sale' }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'the end of August' },
              { type: 'text', text: '25OFF' },
              { type: 'text', text: '25%' },
            ],
          },
          { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'summer' }] },
        ],
      },
    });
    expect(sent.status).toBe(200);
    expect(sent.body.messages[0].message_status).toBe('accepted');
    await sb.clock.advance(5000);
    const delivered = hub.items('statuses').find((s) => s.status === 'delivered')!;
    expect(delivered.pricing).toEqual({
      billable: true,
      pricing_model: 'PMP',
      type: 'regular',
      category: 'marketing',
    });
  });

  it('marks an inbound message as read, with or without a typing indicator', async () => {
    const { id } = await sb.control.customerText('16505551234', 'Hi');
    const read = await graph(sb, `${PNID}/messages`, {
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: id,
    });
    expect(read.body).toEqual({ success: true });
    const typing = await graph(sb, `${PNID}/messages`, {
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: id,
      typing_indicator: { type: 'text' },
    });
    expect(typing.body).toEqual({ success: true });
    expect((await sb.control.chat(PNID, '16505551234')).typing).toBe(true);
    const unknown = await graph(sb, `${PNID}/messages`, {
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: 'wamid.nope',
    });
    expect(unknown.body.error.code).toBe(131009);
  });

  it('sends an smb_message_echoes webhook when the owner writes on the phone', async () => {
    const { id } = await sb.control.ownerText(PNID, '16505551234', 'Sent from the app');
    await sb.idle();
    const echo = hub.items('message_echoes', 'smb_message_echoes')[0]!;
    expect(echo).toMatchObject({
      from: '15550783881',
      to: '16505551234',
      id,
      type: 'text',
      text: { body: 'Sent from the app' },
    });
    // Echoes never open the customer-service window.
    await graph(sb, `${PNID}/messages`, {
      messaging_product: 'whatsapp',
      to: '16505551234',
      text: { body: 'x' },
    });
    await sb.clock.advance(1000);
    const failed = hub.items('statuses').find((s) => s.status === 'failed')!;
    expect((failed.errors as { code: number }[])[0]!.code).toBe(131047);
  });
});
