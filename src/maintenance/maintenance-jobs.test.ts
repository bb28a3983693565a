import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HISTORY_QUIET_MS } from '../messages/history.processor.ts';
import { DEDUP_RETENTION_MS } from '../meta-webhooks/dedup-prune.job.ts';
import { runRecurringJobNow } from '../platform/jobs/job.repository.ts';
import type { JobTables } from '../platform/jobs/job.table.ts';
import { testDialects } from '../testing/databases.ts';
import { type OutboundEnv, PNID, startOutboundEnv, WABA } from '../testing/sandbox-env.ts';

/**
 * The hub's upkeep, once a loop of its own, is recurring jobs declared beside their features and
 * run by the hub's job runner (started by `startHub`). Their schedules are minutes to hours, so
 * each check makes the job due now, as the next tick of its schedule would, and waits for the
 * running hub to do the work.
 */
describe.each(testDialects)('maintenance jobs (%s)', (dialect) => {
  let env: OutboundEnv;
  beforeAll(async () => {
    env = await startOutboundEnv(dialect, { sandbox: { templateReview: { delayMs: 50 } } });
  });
  afterAll(async () => {
    await env?.close();
  });

  /** Makes the recurring job due (it may be running; then its next turn comes soon after). */
  const tick = async (jobId: string) => {
    await runRecurringJobNow(env.db.db as unknown as Kysely<JobTables>, { jobId, now: Date.now() });
    env.deps.signals.emit('jobs');
  };

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
    const row = await env.waitFor(async () => {
      await tick('templates.sync');
      return env.db.db
        .selectFrom('templates')
        .select(['status', 'category'])
        .where('name', '=', 'maintenance_check')
        .where('status', '=', 'APPROVED')
        .executeTakeFirst();
    }, 'the approved template in the hub');
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
    await env.waitFor(async () => {
      await tick('outbound.idempotency-purge');
      const left = await env.db.db
        .selectFrom('idempotency_keys')
        .select('key')
        .where('key', '=', 'old')
        .executeTakeFirst();
      return !left;
    }, 'the expired key to go');
    const live = await env.db.db
      .selectFrom('idempotency_keys')
      .select('key')
      .where('key', '=', 'live')
      .execute();
    expect(live).toHaveLength(1);
  });

  it('deletes webhook deduplication keys older than the retention and keeps recent ones', async () => {
    const now = Date.now();
    await env.db.db
      .insertInto('webhook_items')
      .values([
        { dedup_key: 'maint:old', webhook_event_id: 1, applied_at: now - DEDUP_RETENTION_MS - 60_000 },
        { dedup_key: 'maint:recent', webhook_event_id: 1, applied_at: now - 8 * 24 * 3_600_000 },
      ])
      .execute();
    await env.waitFor(async () => {
      await tick('meta-webhooks.dedup-prune');
      const left = await env.db.db
        .selectFrom('webhook_items')
        .select('dedup_key')
        .where('dedup_key', '=', 'maint:old')
        .executeTakeFirst();
      return !left;
    }, 'the old key to go');
    const recent = await env.db.db
      .selectFrom('webhook_items')
      .select('dedup_key')
      .where('dedup_key', '=', 'maint:recent')
      .execute();
    expect(recent).toHaveLength(1);
  });

  it('marks a history import with no chunk for 30 minutes as complete (inferred), and tells clients', async () => {
    const now = Date.now();
    await env.db.db
      .updateTable('phone_numbers')
      .set({
        history_state: 'in_progress',
        history_progress: 55,
        history_last_chunk_at: now - HISTORY_QUIET_MS - 1,
      })
      .where('id', '=', PNID)
      .execute();
    const row = await env.waitFor(async () => {
      await tick('messages.history-completion');
      return env.db.db
        .selectFrom('phone_numbers')
        .select(['history_state', 'history_progress'])
        .where('id', '=', PNID)
        .where('history_state', '=', 'complete_inferred')
        .executeTakeFirst();
    }, 'the import to be marked complete');
    expect(row.history_progress).toBe(55);
    const api = await env.api('GET', '/api/numbers');
    const number = api.body.data.find((n: { id: string }) => n.id === PNID);
    expect(number.history.state).toBe('complete_inferred');
    const event = await env.db.db
      .selectFrom('domain_events')
      .select('type')
      .where('type', '=', 'number.changed')
      .where('phone_number_id', '=', PNID)
      .where('created_at', '>=', now)
      .executeTakeFirst();
    expect(event?.type).toBe('number.changed');

    // An import still receiving chunks is left alone.
    await env.db.db
      .updateTable('phone_numbers')
      .set({ history_state: 'in_progress', history_last_chunk_at: Date.now() })
      .where('id', '=', PNID)
      .execute();
    for (let i = 0; i < 3; i++) {
      await tick('messages.history-completion');
      await new Promise((r) => setTimeout(r, 200));
    }
    const still = await env.db.db
      .selectFrom('phone_numbers')
      .select('history_state')
      .where('id', '=', PNID)
      .executeTakeFirstOrThrow();
    expect(still.history_state).toBe('in_progress');
  });
});
