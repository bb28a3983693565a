import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../app-deps.ts';
import { systemClock } from '../platform/clock.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../testing/databases.ts';
import { NUMBER, OTHER_NUMBER, OTHER_WABA, seedNumber, WABA } from '../testing/seed.ts';
import { buildTestDeps } from '../testing/test-app.ts';
import { acquireLease } from './leases.ts';
import { startOutboundWorker } from './outbound-worker.ts';

const HOUR = 3_600_000;

describe.each(testDialects)('the outbound worker (%s)', (dialect) => {
  let db: TestDatabase;
  let deps: AppDeps;
  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    ({ deps } = buildTestDeps(db, { clock: systemClock, env: { META_GRAPH_URL: 'http://127.0.0.1:9' } }));
  });
  afterEach(async () => {
    await db.destroy();
  });

  const holderOf = async (id: string) =>
    (
      await db.db
        .selectFrom('number_leases')
        .select('holder')
        .where('phone_number_id', '=', id)
        .executeTakeFirst()
    )?.holder ?? null;

  const until = async (what: string, f: () => Promise<boolean>) => {
    const end = Date.now() + 10_000;
    while (!(await f())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('starts sending for a number registered after its last look at once, not at its next tick', async () => {
    // Its ticks are an hour apart: only the send queued for the new number can make it look now.
    const worker = startOutboundWorker(deps, { renewEveryMs: HOUR });
    try {
      await new Promise((r) => setTimeout(r, 100)); // its first look found no number
      await seedNumber(db.db, { id: NUMBER, waba_id: WABA });
      expect(await holderOf(NUMBER)).toBeNull();
      deps.signals.emit('outbox', NUMBER);
      await until('the new number to be leased', async () => (await holderOf(NUMBER)) !== null);
      expect(await holderOf(NUMBER)).toMatch(/^test-node:/);
    } finally {
      await worker.stop();
    }
  });

  it('asks at most once a tick period for a number another node holds', async () => {
    await seedNumber(db.db, { id: OTHER_NUMBER, waba_id: OTHER_WABA });
    await acquireLease(db.db, {
      phoneNumberId: OTHER_NUMBER,
      holder: 'other-node',
      now: Date.now(),
      ttlMs: HOUR,
    });
    const worker = startOutboundWorker(deps, { renewEveryMs: HOUR });
    try {
      await new Promise((r) => setTimeout(r, 100));
      const updatedAt = async () =>
        Number(
          (
            await db.db
              .selectFrom('number_leases')
              .select('updated_at')
              .where('phone_number_id', '=', OTHER_NUMBER)
              .executeTakeFirstOrThrow()
          ).updated_at,
        );
      // A look is seen through a number this node can take: one seeded now is leased only by a look.
      await seedNumber(db.db, { id: NUMBER, waba_id: WABA });
      for (let i = 0; i < 50; i++) deps.signals.emit('outbox', OTHER_NUMBER);
      await until('the one look', async () => (await holderOf(NUMBER)) !== null);
      expect(await holderOf(OTHER_NUMBER)).toBe('other-node');
      const before = await updatedAt();
      // Within the same period, another 50 wake-ups for the other node's number cost no look.
      await db.db.deleteFrom('number_leases').where('phone_number_id', '=', NUMBER).execute();
      for (let i = 0; i < 50; i++) deps.signals.emit('outbox', OTHER_NUMBER);
      await new Promise((r) => setTimeout(r, 300));
      expect(await holderOf(NUMBER)).toBeNull();
      expect(await updatedAt()).toBe(before);
    } finally {
      await worker.stop();
    }
  });
});
