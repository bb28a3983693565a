import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from '../hub.ts';
import { type OutboundEnv, startOutboundEnv, WABA } from '../outbound/outbound-testing.ts';
import { testDialects } from '../platform/testing/databases.ts';
import { startMaintenanceWorker } from './maintenance.worker.ts';

describe.each(testDialects)('maintenance worker (%s)', (dialect) => {
  let env: OutboundEnv;
  let worker: Worker;
  beforeAll(async () => {
    env = await startOutboundEnv(dialect, { sandbox: { templateReview: { delayMs: 50 } } });
    worker = startMaintenanceWorker(env.deps, { templateSyncMs: 200, purgeMs: 200, firstRunMs: 0 });
  });
  afterAll(async () => {
    await worker?.stop();
    await env?.close();
  });

  it('picks up a template approved at Meta without anyone asking for a sync', async () => {
    const created = await fetch(`${env.sandbox.url}/v23.0/${WABA}/message_templates`, {
      method: 'POST',
      headers: { authorization: 'Bearer sandbox-access-token', 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'maintenance_check',
        category: 'UTILITY',
        language: 'en_US',
        components: [{ type: 'BODY', text: 'Your order {{1}} is ready.' }],
      }),
    });
    expect(created.status).toBe(200);
    const row = await env.waitFor(
      () =>
        env.db.db
          .selectFrom('templates')
          .select(['status', 'category'])
          .where('name', '=', 'maintenance_check')
          .where('status', '=', 'APPROVED')
          .executeTakeFirst(),
      'the approved template in the hub',
    );
    expect(row).toEqual({ status: 'APPROVED', category: 'UTILITY' });
  });

  it('deletes idempotency keys past their 24 hours and keeps live ones', async () => {
    const now = Date.now();
    const key = (k: string, expiresAt: number) => ({
      principal_id: 'p',
      key: k,
      request_hash: 'h',
      state: 'done' as const,
      response_status: 202,
      response_body: '{}',
      created_at: expiresAt - 86_400_000,
      expires_at: expiresAt,
    });
    await env.db.db
      .insertInto('idempotency_keys')
      .values([key('old', now - 1000), key('live', now + 3_600_000)])
      .execute();
    await env.waitFor(
      async () =>
        !(await env.db.db
          .selectFrom('idempotency_keys')
          .select('key')
          .where('key', '=', 'old')
          .executeTakeFirst()),
      'the expired key to go',
    );
    const live = await env.db.db
      .selectFrom('idempotency_keys')
      .select('key')
      .where('key', '=', 'live')
      .execute();
    expect(live).toHaveLength(1);
  });
});
