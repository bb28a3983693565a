import { describe, expect, it } from 'vitest';
import type { AppDeps } from '../app-deps.ts';
import { createTestDatabase, testDialects } from '../testing/databases.ts';
import { createWebhookHarness, envelope } from '../testing/webhook-harness.ts';
import { DEFAULT_LEASE_MS, startWebhookWorker } from './webhook.worker.ts';
import { claimPendingEvents, renewClaims } from './webhook-event.repository.ts';

/*
 * Issue 9 item 5: events claimed by a node that was killed waited the full 60 s lease before
 * another node took them. Leases are now short and renewed by a heartbeat while a node works.
 */

const META = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };

function inbound(n: number): string {
  return envelope('messages', {
    messaging_product: 'whatsapp',
    metadata: META,
    contacts: [{ profile: { name: 'Ana' }, wa_id: '16505551234' }],
    messages: [
      {
        from: '16505551234',
        id: `wamid.LEASE${n}`,
        timestamp: '1750000000',
        type: 'text',
        text: { body: 'hi' },
      },
    ],
  });
}

describe.each(testDialects)('webhook claims on %s', (dialect) => {
  it('last a short lease, which a heartbeat renews while the node lives', async () => {
    expect(DEFAULT_LEASE_MS).toBeLessThanOrEqual(15_000);
    const database = await createTestDatabase(dialect);
    const h = await createWebhookHarness(database);
    try {
      for (let n = 0; n < 3; n++) expect((await h.post(inbound(n))).statusCode).toBe(200);
      const lease = DEFAULT_LEASE_MS;
      const claim = (nodeId: string) =>
        claimPendingEvents(database, { nodeId, now: h.clock.now(), leaseMs: lease, limit: 10 });
      const claimed = await claim('node-a');
      expect(claimed).toHaveLength(3);

      h.clock.advance(lease / 2);
      expect(await claim('node-b')).toEqual([]);
      expect(
        await renewClaims(database, { nodeId: 'node-a', ids: claimed.map((e) => e.id), now: h.clock.now() }),
      ).toBe(3);
      // Past the first lease, but the heartbeat renewed it: node A still has them.
      h.clock.advance(lease / 2 + 1);
      expect(await claim('node-b')).toEqual([]);
      // Node A stops beating (killed): one lease after its last heartbeat, node B takes over.
      h.clock.advance(lease / 2);
      const taken = await claim('node-b');
      expect(taken.map((e) => e.id).sort()).toEqual(claimed.map((e) => e.id).sort());
      // Only the claim holder renews.
      expect(
        await renewClaims(database, { nodeId: 'node-a', ids: claimed.map((e) => e.id), now: h.clock.now() }),
      ).toBe(0);
    } finally {
      await h.close();
      await database.destroy();
    }
  });

  it("a live worker takes over a killed node's events one lease after it died, and applies them", async () => {
    const database = await createTestDatabase(dialect);
    const h = await createWebhookHarness(database);
    const nodeB: AppDeps = { ...h.deps, config: { ...h.deps.config, nodeId: 'node-b' } };
    let worker: { stop(): Promise<void> } | null = null;
    try {
      for (let n = 0; n < 3; n++) expect((await h.post(inbound(n))).statusCode).toBe(200);
      // The killed node claimed them and never finished.
      expect(
        await claimPendingEvents(database, {
          nodeId: 'killed',
          now: h.clock.now(),
          leaseMs: DEFAULT_LEASE_MS,
          limit: 10,
        }),
      ).toHaveLength(3);
      const pending = async () =>
        (await database.db.selectFrom('webhook_events').select('id').where('state', '=', 'pending').execute())
          .length;
      worker = await startWebhookWorker(nodeB, { pollMs: 10, maxDeferMs: 0 });
      // On SQLite a starting hub releases every claim (one file has one hub); on PostgreSQL the
      // other node's claim holds until its lease runs out.
      if (dialect === 'postgres') {
        await new Promise((r) => setTimeout(r, 200));
        expect(await pending()).toBe(3);
        h.clock.advance(DEFAULT_LEASE_MS + 1);
      }
      const deadline = Date.now() + 20_000;
      while ((await pending()) > 0) {
        if (Date.now() > deadline) throw new Error('the events were not taken over');
        await new Promise((r) => setTimeout(r, 20));
      }
      const messages = await database.db.selectFrom('messages').select('wamid').orderBy('wamid').execute();
      expect(messages.map((m) => m.wamid)).toEqual(['wamid.LEASE0', 'wamid.LEASE1', 'wamid.LEASE2']);
    } finally {
      await worker?.stop();
      await h.close();
      await database.destroy();
    }
  });
});
