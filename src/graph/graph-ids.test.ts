import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../testing/databases.ts';
import { NUMBER, seedNumber, WABA } from '../testing/seed.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';
import { createGraphClient } from './graph-client.ts';
import { assertGraphId, graphPath, InvalidGraphIdError } from './graph-ids.ts';

/** A stand-in for Graph over real HTTP that records every request line it receives. */
async function recordingGraph(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ data: [{ id: '1', display_phone_number: 'leaked' }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const TRAVERSAL = `../../v23.0/${WABA}/phone_numbers?`;

describe('graph ids', () => {
  it('accepts decimal ids only and encodes every path segment', () => {
    expect(assertGraphId('102290129340398')).toBe('102290129340398');
    for (const bad of [TRAVERSAL, '', '12/34', '12?x=1', '12#', ' 12', '12\n', '１２']) {
      expect(() => assertGraphId(bad)).toThrow(InvalidGraphIdError);
    }
    expect(graphPath(['a/../b?c#d', 'media'], { after: 'x&y=z' })).toBe(
      'a%2F..%2Fb%3Fc%23d/media?after=x%26y%3Dz',
    );
  });

  it('the client sends nothing for an id that is not numeric, and encodes opaque media ids', async () => {
    const graph = await recordingGraph();
    try {
      const client = createGraphClient({ baseUrl: graph.url, version: 'v23.0', accessToken: 'secret' });
      const listed = await client.listTemplates(TRAVERSAL);
      expect(listed.ok).toBe(false);
      const info = await client.getPhoneNumber(`${WABA}/phone_numbers?`);
      expect(info.ok).toBe(false);
      const sync = await client.requestSmbAppData({ phoneNumberId: '../x', syncType: 'history' });
      expect(sync.ok).toBe(false);
      const sent = await client.sendMessage({
        phoneNumberId: '1/../2',
        to: { waId: '15551234567', bsuid: null },
        content: { type: 'text', body: { body: 'hi' } },
        contextWamid: null,
        callbackData: 'm1',
      });
      expect(sent.kind).toBe('rejected');
      expect(graph.seen).toEqual([]);
      await client.downloadMedia({ mediaId: '../me?x=', phoneNumberId: '123', maxBytes: 10 });
      expect(graph.seen[0]).toBe('GET /v23.0/..%2Fme%3Fx%3D?phone_number_id=123');
    } finally {
      await graph.close();
    }
  });
});

describe.each(testDialects)('Graph ids at the API boundary on %s', (dialect) => {
  let h: TestApp;
  let graph: Awaited<ReturnType<typeof recordingGraph>>;
  let token: string;
  beforeAll(async () => {
    graph = await recordingGraph();
    h = await buildTestApp(dialect, { env: { META_GRAPH_URL: graph.url, META_ACCESS_TOKEN: 'hub-token' } });
    await seedNumber(h.db, { id: NUMBER, waba_id: WABA });
    token = await h.token({ role: 'owner' });
  });
  beforeEach(() => {
    graph.seen.length = 0;
  });
  afterAll(async () => {
    await h.close();
    await graph.close();
  });

  it('POST /api/templates/sync refuses a WABA id that is a path, and calls no Graph URL', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/templates/sync',
      headers: { authorization: `Bearer ${token}` },
      payload: { waba_id: TRAVERSAL },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(graph.seen).toEqual([]);
    const stored = await h.db.selectFrom('templates').select('id').execute();
    expect(stored).toEqual([]);
  });

  it('POST /api/templates/sync with a numeric WABA id calls exactly that WABA', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/templates/sync',
      headers: { authorization: `Bearer ${token}` },
      payload: { waba_id: WABA },
    });
    expect(res.statusCode).toBe(200);
    expect(graph.seen).toEqual([`GET /v23.0/${WABA}/message_templates?limit=100`]);
  });

  it('POST /api/numbers and POST /api/numbers/:id/sync refuse ids that are not numeric', async () => {
    const register = await h.app.inject({
      method: 'POST',
      url: '/api/numbers',
      headers: { authorization: `Bearer ${token}` },
      payload: { phone_number_id: `${WABA}/phone_numbers?`, waba_id: WABA },
    });
    expect(register.statusCode).toBe(400);
    const sync = await h.app.inject({
      method: 'POST',
      url: `/api/numbers/${encodeURIComponent('1/../2')}/sync`,
      headers: { authorization: `Bearer ${token}` },
      payload: { sync_type: 'history' },
    });
    expect(sync.statusCode).toBe(400);
    expect(graph.seen).toEqual([]);
  });
});
