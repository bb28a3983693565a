import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../testing/databases.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';
import { PUBLIC_BODY_LIMIT } from './http-hardening.ts';

type Headers = Record<string, string | string[] | number | undefined>;

function expectBrowserHeaders(headers: Headers): void {
  const csp = String(headers['content-security-policy']);
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-eval');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('same-origin');
}

describe.each(testDialects)('browser security headers, body limits and timeouts on %s', (dialect) => {
  let h: TestApp;
  beforeAll(async () => {
    h = await buildTestApp(dialect);
  });
  afterAll(async () => h.close());

  it('sends the security headers on every kind of response, and no HSTS over plain http', async () => {
    const responses = [
      await h.app.inject({ url: '/api/me' }), // 401
      await h.app.inject({ url: '/healthz' }),
      await h.app.inject({ url: '/no/such/page' }), // the web app's index.html, or a 404
      await h.app.inject({ url: '/api/nothing-here' }),
      await h.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'x@y.z', password: 'p' },
      }),
    ];
    for (const res of responses) {
      expectBrowserHeaders(res.headers);
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('adds HSTS only when the public URL is https', async () => {
    const secure = await buildTestApp(dialect, {
      database: h.database,
      env: { COEXIST_PUBLIC_URL: 'https://hub.example.com' },
    });
    try {
      const res = await secure.app.inject({ url: '/healthz' });
      expectBrowserHeaders(res.headers);
      expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
      expect(res.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    } finally {
      await secure.close();
    }
  });

  it('limits bodies before authentication: small for login, read only after the guard for the API', async () => {
    const big = JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(PUBLIC_BODY_LIMIT) });
    const login = await h.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: big,
    });
    expect(login.statusCode).toBe(413);
    expect(login.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    // An unauthenticated 5 MB body to an API route is refused by the guard, unread.
    const api = await h.app.inject({
      method: 'POST',
      url: '/api/labels',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(5 * 1024 * 1024) }),
    });
    expect(api.statusCode).toBe(401);
    // An unknown path gets the small limit too.
    const unknown = await h.app.inject({
      method: 'POST',
      url: '/whatever',
      headers: { 'content-type': 'application/json' },
      payload: big,
    });
    expect(unknown.statusCode).toBe(413);
  });

  it("keeps Meta's 3 MB webhook bodies (plus margin): a 4 MB body is read and its signature checked", async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/webhooks/meta',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=00' },
      payload: JSON.stringify({ object: 'whatsapp_business_account', pad: 'x'.repeat(4 * 1024 * 1024) }),
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
  });

  it('drops a connection whose body never arrives', async () => {
    const slow = await buildTestApp(dialect, {
      database: h.database,
      env: { COEXIST_REQUEST_TIMEOUT_MS: '300', COEXIST_CONNECTION_TIMEOUT_MS: '300' },
    });
    try {
      await slow.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = slow.app.server.address() as AddressInfo;
      const socket = connect(port, '127.0.0.1');
      let received = '';
      socket.on('data', (chunk) => {
        received += chunk.toString();
      });
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.on('error', () => {});
      await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
      // Headers promise 100 bytes; 10 come, then nothing.
      socket.write(
        'POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email":',
      );
      await closed;
      expect(received).not.toContain('200 OK');
    } finally {
      await slow.close();
    }
  });
});
