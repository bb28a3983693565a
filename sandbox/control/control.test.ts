import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../index.ts';
import { CUSTOMER, graph, harness, PNID } from '../testing/harness.ts';
import { TestReceiver } from '../testing/receiver.ts';

describe('control API, persistence, scenarios, traffic and UI', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('keeps its state across a restart when given a data folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const first = await startSandbox({ dataDir: dir, clock: 'manual', seed: 1, statuses: 'strict' });
    const { id } = await first.control.customerText(CUSTOMER, 'remember me');
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('file', new Blob([Buffer.from('bytes!')], { type: 'text/plain' }), 'a.txt');
    const up = (await (
      await fetch(`${first.url}/v23.0/${PNID}/media`, {
        method: 'POST',
        headers: { authorization: 'Bearer sandbox-access-token' },
        body: form,
      })
    ).json()) as { id: string };
    await graph(first, `${PNID}/smb_app_data`, {
      body: { messaging_product: 'whatsapp', sync_type: 'smb_app_state_sync' },
    });
    await first.close();

    const second = await startSandbox({ dataDir: dir, clock: 'manual', seed: 1, statuses: 'strict' });
    cleanups.push(() => second.close());
    expect((await second.control.chat(PNID, CUSTOMER)).data.map((m) => m.id)).toEqual([id]);
    const info = await graph(second, up.id);
    const bytes = await fetch(info.body.url as string, {
      headers: { authorization: 'Bearer sandbox-access-token' },
    }).then((r) => r.text());
    expect(bytes).toBe('bytes!');
    const again = await graph(second, `${PNID}/smb_app_data`, {
      body: { messaging_product: 'whatsapp', sync_type: 'smb_app_state_sync' },
    });
    expect(again.body.error.code).toBe(2593107);
    // The window opened before the restart still holds.
    const reply = await graph(second, `${PNID}/messages`, {
      body: { messaging_product: 'whatsapp', to: CUSTOMER, text: { body: 'back' } },
    });
    expect(reply.status).toBe(200);
  });

  it('after a restart, sends again what the receiver had not acknowledged and finishes pending statuses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const receiver = await new TestReceiver().start();
    cleanups.push(() => receiver.close());
    const first = await startSandbox({ dataDir: dir, clock: 'manual', seed: 1, statuses: 'strict' });
    await first.setCallback(receiver.url);
    receiver.failWith = 500;
    const { id: inbound } = await first.control.customerText(CUSTOMER, 'are you there?');
    const sent = await graph(first, `${PNID}/messages`, {
      body: { messaging_product: 'whatsapp', to: CUSTOMER, text: { body: 'yes' } },
    });
    const outbound = sent.body.messages[0].id as string;
    await first.idle();
    expect(receiver.items('messages')).toHaveLength(0);
    await first.close();

    receiver.failWith = 200;
    const second = await startSandbox({ dataDir: dir, clock: 'manual', seed: 1, statuses: 'strict' });
    cleanups.push(() => second.close());
    await second.clock.advance(5_000);
    await second.idle();
    expect(receiver.items('messages').map((m) => m.id)).toContain(inbound);
    expect(
      receiver
        .items('statuses')
        .filter((s) => s.id === outbound)
        .map((s) => s.status),
    ).toEqual(['sent', 'delivered', 'read']);
  });

  it('runs a YAML scenario: customers, contacts, conversation both ways, waits', async () => {
    const h = await harness();
    cleanups.push(h.close);
    const yaml = [
      'customers: [{ waId: "16505550001", name: Bea }]',
      'steps:',
      '  - customer: "16505550001"',
      '    text: Is the shop open?',
      '  - wait: 1000',
      '  - owner: "16505550001"',
      '    text: Yes, until 6pm',
      '  - customer: "16505550001"',
      '    send: { type: location, location: { latitude: 1, longitude: 2 } }',
      '  - marketing: { waId: "16505550001", stop: true }',
    ].join('\n');
    const result = await h.sb.control.runScenario(yaml);
    expect(result).toMatchObject({ steps: 5, messages: expect.any(Array) });
    await h.sb.idle();
    expect(h.hub.items('messages').map((m) => m.type)).toEqual(['text', 'location']);
    expect(h.hub.items('message_echoes', 'smb_message_echoes')[0]).toMatchObject({
      to: '16505550001',
      text: { body: 'Yes, until 6pm' },
    });
    expect(h.hub.items('user_preferences', 'user_preferences')).toHaveLength(1);
    await expect(h.sb.control.runScenario({ steps: [{ dance: true }] })).rejects.toThrow(/unknown step/);
  });

  it('generates customer traffic at a rate with a mix of types', async () => {
    const h = await harness({ seed: 9 });
    cleanups.push(h.close);
    await h.sb.control.startTraffic({ customers: 5, ratePerSec: 10, total: 40 });
    await h.sb.clock.advance(5000);
    const state = await fetch(`${h.sb.url}/_sandbox/traffic`).then(
      (r) => r.json() as Promise<{ sent: number; running: boolean }>,
    );
    expect(state).toMatchObject({ sent: 40, running: false });
    const inbound = h.hub.items('messages');
    const echoes = h.hub.items('message_echoes', 'smb_message_echoes');
    expect(inbound.length + echoes.length).toBe(40);
    expect(new Set(inbound.map((m) => m.from)).size).toBeGreaterThan(1);
    expect(new Set(inbound.map((m) => m.type)).size).toBeGreaterThan(1);
  });

  it('serves the web page and answers bad control input in Meta’s error shape', async () => {
    const h = await harness();
    cleanups.push(h.close);
    const page = await fetch(`${h.sb.url}/_sandbox/ui`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('Write as the customer');
    const bad = await fetch(`${h.sb.url}/_sandbox/customers/1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{oops',
    });
    expect(((await bad.json()) as { error: { code: number } }).error.code).toBe(100);
    const noContent = await fetch(`${h.sb.url}/_sandbox/customers/1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'location' }),
    });
    expect(((await noContent.json()) as { error: { code: number } }).error.code).toBe(100);
  });

  it('never crashes or hangs on arbitrary input to any endpoint', async () => {
    const h = await harness();
    cleanups.push(h.close);
    const paths = [
      `v23.0/${PNID}/messages`,
      `v23.0/${PNID}/media`,
      `v23.0/${PNID}/smb_app_data`,
      `v23.0/${PNID}`,
      'v23.0/102290129340398/message_templates',
      'v23.0/102290129340398/subscribed_apps',
      '_sandbox/customers',
      `_sandbox/customers/${CUSTOMER}/messages`,
      `_sandbox/phone/${PNID}/messages`,
      `_sandbox/phone/${PNID}/contacts`,
      '_sandbox/config',
      '_sandbox/scenario',
      '_sandbox/traffic',
      '_sandbox/callback',
      '_sandbox/clock/advance',
    ];
    const bodies = [
      '',
      'null',
      '[]',
      '"x"',
      '42',
      '{"type":null}',
      '{"messaging_product":"whatsapp","type":"text","text":[]}',
      '{"messaging_product":"whatsapp","to":{},"type":"template","template":{"name":1,"language":"x"}}',
      '{"messaging_product":"whatsapp","status":"read","message_id":{}}',
      '{"steps":"x"}',
      '{"url":"not a url"}',
      '{"ms":-1}',
    ];
    for (const p of paths) {
      for (const method of ['POST', 'PATCH', 'GET', 'DELETE']) {
        for (const body of method === 'GET' || method === 'DELETE' ? [undefined] : bodies) {
          const res = await fetch(`${h.sb.url}/${p}`, {
            method,
            headers: {
              authorization: 'Bearer sandbox-access-token',
              ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            body,
            signal: AbortSignal.timeout(10_000),
          });
          const json = (await res.json()) as { error?: { code: number; message: string } };
          expect(res.status, `${method} ${p} ${body}`).toBeLessThan(500);
          if (res.status >= 400)
            expect(json.error?.code, `${method} ${p} ${body}`).toEqual(expect.any(Number));
        }
      }
    }
  });
});
