import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressChecker, assertUrlAllowed, EgressRefusedError } from './egress.ts';
import { sendAttempt } from './send-attempt.ts';

// A stand-in receiver on loopback: every refusal below must leave it untouched.
let server: Server;
let port = 0;
let received = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    received += 1;
    req.resume();
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const none = { allow: [] as string[] };
const post = (url: string, policy = none) => sendAttempt({ url, headers: {}, body: '{}', policy });

describe('outbound webhook egress (SSRF)', () => {
  it('refuses loopback, private, link-local, CGNAT and unspecified addresses', () => {
    const allowed = addressChecker(none);
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::',
      '::1',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
    ])
      expect(allowed(ip), ip).toBe(false);
    for (const ip of ['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:4700::1111'])
      expect(allowed(ip), ip).toBe(true);
  });

  it('refuses non-http URLs and credentials before any connection', () => {
    expect(() => assertUrlAllowed('file:///etc/passwd', none)).toThrow(EgressRefusedError);
    expect(() => assertUrlAllowed('https://user:pw@example.com/', none)).toThrow(EgressRefusedError);
    expect(() => assertUrlAllowed('http://[::1]:80/', none)).toThrow(EgressRefusedError);
  });

  it('does not connect to 127.0.0.1, 10.x or 169.254.169.254', async () => {
    for (const url of [
      `http://127.0.0.1:${port}/hook`,
      'http://10.0.0.1/hook',
      'http://169.254.169.254/latest/meta-data/',
    ]) {
      const result = await post(url);
      expect(result.refused, url).toBe(true);
      expect(result.status).toBeNull();
      expect(result.error).toMatch(/^refused: /);
    }
    expect(received).toBe(0);
  });

  it('refuses a hostname that resolves to loopback, after DNS resolution', async () => {
    const result = await post(`http://localhost:${port}/hook`);
    expect(result.refused).toBe(true);
    expect(result.error).toMatch(/localhost resolves to/);
    expect(received).toBe(0);
  });

  it('reaches loopback when configuration allows it, by address and by name', async () => {
    const allow = { allow: ['127.0.0.1/32', '::1/128'] };
    const byAddress = await post(`http://127.0.0.1:${port}/hook`, allow);
    expect(byAddress).toMatchObject({ status: 200, body: 'ok', refused: false });
    const byName = await post(`http://localhost:${port}/hook`, allow);
    expect(byName.status).toBe(200);
    expect(received).toBe(2);
  });
});
