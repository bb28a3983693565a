import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateSecret, signedHeaders } from './signature.ts';

// Verified with the published `standardwebhooks` package, not with our own code.
const body = JSON.stringify({
  type: 'message.received',
  timestamp: '2026-12-01T12:00:00.000Z',
  data: { a: 1 },
});
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('Standard Webhooks signatures', () => {
  it('a fresh secret is whsec_ and 32 bytes of base64', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
  });

  it('a signed body verifies', () => {
    const secret = generateSecret();
    const headers = signedHeaders({ secrets: [secret], id: 'msg_1', timestamp: nowSeconds(), body });
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('a tampered body, id or signature does not verify', () => {
    const secret = generateSecret();
    const headers = signedHeaders({ secrets: [secret], id: 'msg_1', timestamp: nowSeconds(), body });
    expect(() => new Webhook(secret).verify(body.replace('"a":1', '"a":2'), headers)).toThrow();
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'msg_2' })).toThrow();
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow();
  });

  it('an expired timestamp is refused', () => {
    const secret = generateSecret();
    const headers = signedHeaders({
      secrets: [secret],
      id: 'msg_1',
      timestamp: nowSeconds() - 10 * 60,
      body,
    });
    expect(() => new Webhook(secret).verify(body, headers)).toThrow(/timestamp/i);
  });

  it('during a rotation both the new and the previous secret verify; an unrelated one does not', () => {
    const previous = generateSecret();
    const current = generateSecret();
    const headers = signedHeaders({
      secrets: [current, previous],
      id: 'msg_9',
      timestamp: nowSeconds(),
      body,
    });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(current).verify(body, headers)).toBeTruthy();
    expect(new Webhook(previous).verify(body, headers)).toBeTruthy();
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow();
  });
});
