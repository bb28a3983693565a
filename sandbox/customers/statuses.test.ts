import { afterEach, describe, expect, it } from 'vitest';
import type { SandboxOptions } from '../options.ts';
import { CUSTOMER, harness, send } from '../testing/harness.ts';

type H = Awaited<ReturnType<typeof harness>>;

describe('status webhooks: realistic by default, strict on request', () => {
  let h: H | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function sendTexts(options: SandboxOptions, count: number): Promise<string[][]> {
    h = await harness(options);
    await h.sb.control.customerText(CUSTOMER, 'hi');
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const res = await send(h.sb, { text: { body: `m${i}` } });
      ids.push(res.body.messages[0].id);
      await h.sb.clock.advance(7000);
    }
    await h.sb.clock.advance(10_000);
    const statuses = h.hub.items('statuses');
    return ids.map((id) => statuses.filter((s) => s.id === id).map((s) => String(s.status)));
  }

  it('strict: sent, delivered, read, once each and in order', async () => {
    const all = await sendTexts({ statuses: 'strict' }, 20);
    for (const s of all) expect(s).toEqual(['sent', 'delivered', 'read']);
  });

  it('can skip delivered when the customer reads at once; pricing then rides on read', async () => {
    const all = await sendTexts(
      { statuses: 'realistic', statusQuirks: { skipDelivered: 1, duplicate: 0 } },
      2,
    );
    for (const s of all) expect(s).toEqual(['sent', 'read']);
    const read = h!.hub.items('statuses').find((s) => s.status === 'read')!;
    expect(read.pricing).toMatchObject({ pricing_model: 'PMP', category: 'service' });
  });

  it('can send delivered after read; the message stays read', async () => {
    const all = await sendTexts(
      { statuses: 'realistic', statusQuirks: { skipDelivered: 0, reorder: 1, duplicate: 0 } },
      2,
    );
    for (const s of all) expect(s).toEqual(['sent', 'read', 'delivered']);
    const chat = await h!.sb.control.chat(h!.sb.options.numbers[0]!.phoneNumberId, CUSTOMER);
    expect(chat.data.filter((m) => m.direction === 'out').map((m) => m.status)).toEqual(['read', 'read']);
  });

  it('can send a status twice', async () => {
    const all = await sendTexts(
      { statuses: 'realistic', statusQuirks: { skipDelivered: 0, duplicate: 1 } },
      3,
    );
    for (const s of all) {
      expect(s).toHaveLength(4);
      expect(new Set(s)).toEqual(new Set(['sent', 'delivered', 'read']));
    }
  });

  it('by default, mostly in order with a few irregular messages, the same for the same seed', async () => {
    const first = await sendTexts({ statuses: undefined, seed: 11 }, 60);
    await h!.close();
    const again = await sendTexts({ statuses: undefined, seed: 11 }, 60);
    expect(again).toEqual(first);
    const ordered = first.filter((s) => s.join() === 'sent,delivered,read').length;
    expect(ordered).toBeGreaterThan(40);
    expect(ordered).toBeLessThan(60);
    // Every message ends read, whatever came in between.
    for (const s of first) expect(s).toContain('read');
  });
});
