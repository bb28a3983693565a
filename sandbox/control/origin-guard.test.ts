import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../index.ts';

/**
 * The control API's contract towards browsers: another web page cannot drive it (cross-origin, a
 * cross-site "simple" POST, or DNS rebinding through a foreign Host), while programs without an
 * Origin and the sandbox's own control page (same origin) keep working. The Graph API is untouched.
 */
describe('the sandbox control API refuses other origins', () => {
  let sandbox: Sandbox;
  let host: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, clock: 'manual', seed: 7 });
    host = new URL(sandbox.url).host;
  });
  afterAll(async () => sandbox?.close());

  const addCustomer = (waId: string, headers: Record<string, string>, contentType = 'application/json') =>
    sandbox.server.inject({
      method: 'POST',
      url: '/_sandbox/customers',
      headers: { host, 'content-type': contentType, ...headers },
      payload: JSON.stringify({ waId, name: 'Mallory' }),
    });
  const known = (waId: string) => waId in sandbox.world.customers;

  it('refuses a POST from another origin, and changes nothing', async () => {
    const res = await addCustomer('15550001001', { origin: 'http://evil.example' });
    expect(res.statusCode).toBe(403);
    expect(known('15550001001')).toBe(false);
  });

  it('refuses a cross-site text/plain POST without Origin, as a form or beacon could send', async () => {
    const res = await addCustomer('15550001002', { 'sec-fetch-site': 'cross-site' }, 'text/plain');
    expect(res.statusCode).toBe(403);
    expect(known('15550001002')).toBe(false);
    // Another port of localhost is "same-site", not same-origin: refused too.
    const sibling = await addCustomer('15550001003', { origin: 'http://127.0.0.1:1' });
    expect(sibling.statusCode).toBe(403);
  });

  it('refuses a foreign Host (DNS rebinding), with or without Origin', async () => {
    const res = await addCustomer('15550001004', { host: 'rebind.evil.example:4000' });
    expect(res.statusCode).toBe(403);
    const state = await sandbox.server.inject({
      url: '/_sandbox/state',
      headers: { host: 'rebind.evil.example' },
    });
    expect(state.statusCode).toBe(403);
    expect(known('15550001004')).toBe(false);
  });

  it('lets its own page (same origin) and programs without an Origin drive it', async () => {
    const page = await sandbox.server.inject({
      url: '/_sandbox/ui',
      headers: { host, 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' },
    });
    expect(page.statusCode).toBe(200);
    const fromPage = await addCustomer('15550001005', {
      origin: `http://${host}`,
      'sec-fetch-site': 'same-origin',
    });
    expect(fromPage.statusCode, fromPage.body).toBe(200);
    expect(known('15550001005')).toBe(true);
    // The typed client (Node fetch over real HTTP: no Origin) keeps working.
    const state = await sandbox.control.state();
    expect((state.customers as { waId: string }[]).some((c) => c.waId === '15550001005')).toBe(true);
    // Following a link from another site to the page is a navigation: allowed.
    const linked = await sandbox.server.inject({
      url: '/_sandbox/ui',
      headers: {
        host: `localhost:${new URL(sandbox.url).port}`,
        'sec-fetch-site': 'same-site',
        'sec-fetch-mode': 'navigate',
      },
    });
    expect(linked.statusCode).toBe(200);
  });

  it('leaves the Graph API alone (the hub may reach it under any host name)', async () => {
    const res = await sandbox.server.inject({
      url: '/v23.0/not-a-thing',
      headers: { host: 'sandbox.internal:4000', authorization: 'Bearer sandbox-access-token' },
    });
    expect(res.statusCode).not.toBe(403);
  });
});
