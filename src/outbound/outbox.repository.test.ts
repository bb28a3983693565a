import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../testing/databases.ts';
import { NUMBER, seedNumber, WABA } from '../testing/seed.ts';
import { pauseNumber } from './alerts.ts';
import { acquireLease } from './leases.ts';
import { claimJobs } from './outbox.repository.ts';

describe.each(testDialects)('claiming sends (%s)', (dialect) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    await seedNumber(db.db, { id: NUMBER, waba_id: WABA });
  });
  afterEach(async () => {
    await db.destroy();
  });

  const claim = (holder: string, now: number) =>
    claimJobs(db.db, db.dialect, { phoneNumberId: NUMBER, holder, epoch: 1, ids: [999], now });

  it('claims nothing while the number is paused as stored, whatever the sender last read', async () => {
    await acquireLease(db.db, { phoneNumberId: NUMBER, holder: 'me', now: 1_000, ttlMs: 3_600_000 });
    expect(await claim('me', 2_000)).toEqual([]);
    const pause = (kind: 'backoff' | 'alert', until: number | null) =>
      pauseNumber(db.db, { phoneNumberId: NUMBER, kind, until, reason: 'test', alertId: null, now: 2_000 });
    await pause('backoff', 10_000);
    expect(await claim('me', 9_999)).toBe('paused');
    expect(await claim('me', 10_000)).toEqual([]);
    await pause('alert', null);
    expect(await claim('me', 50_000)).toBe('paused');
    // Fencing comes first: another holder learns it lost the lease, not that the number is paused.
    expect(await claim('someone-else', 50_000)).toBeNull();
  });
});
