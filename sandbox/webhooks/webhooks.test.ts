import { afterEach, describe, expect, it } from 'vitest';
import { CUSTOMER, graph, harness, PNID } from '../testing/harness.ts';
import { TestReceiver } from '../testing/receiver.ts';
import { buildEnvelope } from './envelope.ts';

type H = Awaited<ReturnType<typeof harness>>;

describe('webhook delivery', () => {
  let h: H;
  afterEach(() => h.close());

  it('retries with backoff while the receiver fails, on the compressed schedule', async () => {
    h = await harness({ timeFactor: 10 });
    h.hub.failWith = 500;
    await h.sb.control.customerText(CUSTOMER, 'hello');
    await h.sb.idle();
    const attempts = () => h.sb.control.webhooks().then((r) => r.data.map((d) => [d.attempt, d.status]));
    expect(await attempts()).toEqual([[1, 500]]);
    await h.sb.clock.advance(100); // 1 s / 10
    expect(await attempts()).toEqual([
      [1, 500],
      [2, 500],
    ]);
    await h.sb.clock.advance(499); // 5 s / 10, not yet
    expect((await attempts()).length).toBe(2);
    h.hub.failWith = 200;
    await h.sb.clock.advance(1);
    expect(await attempts()).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    expect(h.hub.items('messages')).toHaveLength(1);
  });

  it('batches several messages and statuses into one POST under load', async () => {
    h = await harness({ webhooks: { concurrency: 1, maxBatch: 100, timeoutMs: 5000 } });
    await h.sb.control.configure({ faults: { paused: true } });
    for (let i = 0; i < 5; i++) await h.sb.control.customerText(CUSTOMER, `m${i}`);
    await h.sb.control.customerText('16505550002', 'other');
    await h.sb.control.configure({ faults: { paused: false } });
    await h.sb.idle();
    expect(h.hub.posts).toHaveLength(1);
    const value = h.hub.changes('messages')[0]!.value;
    expect((value.messages as unknown[]).length).toBe(6);
    expect((value.contacts as { wa_id: string }[]).map((c) => c.wa_id)).toEqual([CUSTOMER, '16505550002']);
    expect(h.hub.posts[0]!.signatureValid).toBe(true);
  });

  it('puts several WABAs into several entries of one body', () => {
    const body = buildEnvelope([
      { wabaId: 'A', field: 'account_update', phoneNumberId: null, time: 1, value: { event: 'X' } },
      { wabaId: 'B', field: 'account_update', phoneNumberId: null, time: 1, value: { event: 'Y' } },
    ]);
    expect(body).toEqual({
      object: 'whatsapp_business_account',
      entry: [
        { id: 'A', time: 1, changes: [{ value: { event: 'X' }, field: 'account_update' }] },
        { id: 'B', time: 1, changes: [{ value: { event: 'Y' }, field: 'account_update' }] },
      ],
    });
  });

  it('injects duplicates when asked', async () => {
    h = await harness();
    await h.sb.control.configure({ faults: { duplicateRate: 1 } });
    const { id } = await h.sb.control.customerText(CUSTOMER, 'twice');
    await h.sb.idle();
    await h.sb.idle();
    expect(h.hub.items('messages').map((m) => m.id)).toEqual([id, id]);
    expect(h.hub.posts[0]!.raw).toBe(h.hub.posts[1]!.raw);
  });

  it('reorders and delays updates when asked', async () => {
    h = await harness({ webhooks: { concurrency: 1, maxBatch: 1, timeoutMs: 5000 } });
    await h.sb.control.configure({ faults: { reorder: true, delayMs: 5000 } });
    const sent: string[] = [];
    for (let i = 0; i < 12; i++) sent.push((await h.sb.control.customerText(CUSTOMER, `m${i}`)).id);
    expect(h.hub.posts).toHaveLength(0);
    await h.sb.clock.advance(5000);
    const got = h.hub.items('messages').map((m) => m.id as string);
    expect([...got].sort()).toEqual([...sent].sort());
    expect(got).not.toEqual(sent);
  });

  it('follows a per-number override URL after verifying it', async () => {
    h = await harness();
    const other = await new TestReceiver().start();
    const set = await graph(h.sb, PNID, {
      body: {
        webhook_configuration: { override_callback_uri: other.url, verify_token: 'sandbox-verify-token' },
      },
    });
    expect(set.body).toEqual({ success: true });
    await h.sb.control.customerText(CUSTOMER, 'to override');
    await h.sb.idle();
    expect(other.items('messages')).toHaveLength(1);
    expect(h.hub.items('messages')).toHaveLength(0);
    await other.close();
  });

  it('stops delivering to a WABA whose app was unsubscribed', async () => {
    h = await harness();
    await graph(h.sb, '102290129340398/subscribed_apps', { method: 'DELETE' });
    expect((await graph(h.sb, '102290129340398/subscribed_apps')).body.data).toEqual([]);
    await h.sb.control.customerText(CUSTOMER, 'lost');
    await h.sb.idle();
    expect(h.hub.posts).toHaveLength(0);
    await graph(h.sb, '102290129340398/subscribed_apps', { body: {} });
    expect((await graph(h.sb, '102290129340398/subscribed_apps')).body.data).toHaveLength(1);
  });
});
