import { createPublicKey, verify } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { eventTypes } from '../../platform/events/catalogue.ts';
import { testDialects } from '../../testing/databases.ts';
import {
  messageReceived,
  startWebhooksFixture,
  type WebhooksFixture,
} from '../../testing/outbound-webhooks.ts';
import { generateSecret, generateSigningKey, publicKeyOf, signedHeaders } from './signature.ts';

/**
 * A receiver's `v1a` check, written from the Standard Webhooks 1.0 spec with node:crypto (the
 * `standardwebhooks` package verifies only `v1`): Ed25519 over `{id}.{timestamp}.{body}` with the
 * `whpk_` public key, any one of the space-separated `v1a` signatures, timestamps within 5 minutes.
 */
function verifyV1a(publicKey: string, body: string, headers: Record<string, string>, nowSeconds: number) {
  const timestamp = Number(headers['webhook-timestamp']);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > 300) return false;
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey.slice(5), 'base64').toString('base64url') },
    format: 'jwk',
  });
  const content = Buffer.from(`${headers['webhook-id']}.${timestamp}.${body}`);
  return (headers['webhook-signature'] ?? '')
    .split(' ')
    .filter((s) => s.startsWith('v1a,'))
    .some((s) => verify(null, content, key, Buffer.from(s.slice(4), 'base64')));
}

const body = JSON.stringify({
  type: 'message.received',
  timestamp: '2026-12-01T12:00:00.000Z',
  data: { a: 1 },
});
const now = () => Math.floor(Date.now() / 1000);

describe('v1a (Ed25519) signatures', () => {
  it('a key pair is whsk_ (64 bytes) and whpk_ (32 bytes)', () => {
    const { signingKey, publicKey } = generateSigningKey();
    expect(signingKey).toMatch(/^whsk_[A-Za-z0-9+/]{86}==$/);
    expect(publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    expect(publicKeyOf(signingKey)).toBe(publicKey);
  });

  it('signs beside v1: both verify, a tampered body, id, timestamp or key does not', () => {
    const secret = generateSecret();
    const { signingKey, publicKey } = generateSigningKey();
    const headers = signedHeaders({
      secrets: [secret],
      signingKeys: [signingKey],
      id: 'msg_1',
      timestamp: now(),
      body,
    });
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+ v1a,[A-Za-z0-9+/=]+$/);
    expect(verifyV1a(publicKey, body, headers, now())).toBe(true);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(verifyV1a(publicKey, body.replace('"a":1', '"a":2'), headers, now())).toBe(false);
    expect(verifyV1a(publicKey, body, { ...headers, 'webhook-id': 'msg_2' }, now())).toBe(false);
    expect(verifyV1a(publicKey, body, headers, now() + 600)).toBe(false);
    expect(verifyV1a(generateSigningKey().publicKey, body, headers, now())).toBe(false);
  });
});

describe.each(testDialects)('v1a per endpoint, rotation and the catalogue (%s)', (dialect) => {
  let f: WebhooksFixture;
  afterEach(async () => {
    await f?.close();
  });
  const api = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    f.h.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${await f.token()}` },
      ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
    });

  it('signs with Ed25519 when the endpoint asks, and with both keys during a rotation', async () => {
    f = await startWebhooksFixture(dialect);
    const created = await api('POST', '/api/integrations/webhooks', {
      url: f.url,
      event_types: ['message.received'],
      ed25519: true,
    });
    expect(created.statusCode).toBe(201);
    const endpoint = created.json() as {
      id: string;
      secret: string;
      public_key: string;
      signatures: string[];
    };
    expect(endpoint.signatures).toEqual(['v1', 'v1a']);
    expect(endpoint.public_key).toMatch(/^whpk_/);
    // The signing key is stored, the public key is shown; the secret key never is.
    expect(JSON.stringify(created.json())).not.toContain('whsk_');

    await f.record(messageReceived(1));
    await f.pump();
    const first = f.received[0];
    if (!first) throw new Error('nothing delivered');
    const headers = {
      'webhook-id': String(first.headers['webhook-id']),
      'webhook-timestamp': String(first.headers['webhook-timestamp']),
      'webhook-signature': String(first.headers['webhook-signature']),
    };
    const at = Number(headers['webhook-timestamp']);
    expect(verifyV1a(endpoint.public_key, first.body, headers, at)).toBe(true);
    expect(verifyV1a(endpoint.public_key, `${first.body} `, headers, at)).toBe(false);

    // Rotation: a new secret and key pair; the old ones sign beside them for the overlap.
    const rotated = await api('POST', `/api/integrations/webhooks/${endpoint.id}/rotate-secret`, {
      overlap_seconds: 3_600,
    });
    expect(rotated.statusCode).toBe(200);
    const next = rotated.json() as { secret: string; public_key: string };
    expect(next.public_key).toMatch(/^whpk_/);
    expect(next.public_key).not.toBe(endpoint.public_key);
    await f.record(messageReceived(2));
    await f.pump();
    const second = f.received[1];
    if (!second) throw new Error('nothing delivered after the rotation');
    const h2 = {
      'webhook-id': String(second.headers['webhook-id']),
      'webhook-timestamp': String(second.headers['webhook-timestamp']),
      'webhook-signature': String(second.headers['webhook-signature']),
    };
    const at2 = Number(h2['webhook-timestamp']);
    expect(h2['webhook-signature'].split(' ').map((s) => s.split(',')[0])).toEqual([
      'v1',
      'v1',
      'v1a',
      'v1a',
    ]);
    expect(verifyV1a(next.public_key, second.body, h2, at2)).toBe(true);
    expect(verifyV1a(endpoint.public_key, second.body, h2, at2)).toBe(true);

    // Turned off: v1 only again.
    const off = await api('PATCH', `/api/integrations/webhooks/${endpoint.id}`, { ed25519: false });
    expect(off.json()).toMatchObject({ signatures: ['v1'], public_key: null });
  });

  it('offers every catalogue event type, sync health and contacts included', async () => {
    f = await startWebhooksFixture(dialect);
    const res = await api('GET', '/api/integrations/event-types');
    expect(res.statusCode).toBe(200);
    const offered = (res.json() as { data: { type: string }[] }).data.map((t) => t.type);
    expect(offered).toEqual(eventTypes);
    for (const type of ['number.sync_health_changed', 'contact.created', 'contact.changed', 'message.sent'])
      expect(offered).toContain(type);
    const created = await api('POST', '/api/integrations/webhooks', {
      url: f.url,
      event_types: ['number.sync_health_changed'],
    });
    expect(created.statusCode).toBe(201);
  });
});
