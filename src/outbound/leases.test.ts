import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../testing/databases.ts';
import { acquireLease, releaseLease } from './leases.ts';
import { Gcra } from './rate-limiter.ts';

describe.each(testDialects)('number leases (%s)', (dialect) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('gives a number to one holder at a time and passes it on when it expires', async () => {
    const a = await acquireLease(db.db, { phoneNumberId: 'n1', holder: 'A', now: 1000, ttlMs: 5000 });
    expect(a).toEqual({ epoch: 1 });
    expect(
      await acquireLease(db.db, { phoneNumberId: 'n1', holder: 'B', now: 2000, ttlMs: 5000 }),
    ).toBeNull();
    expect(await acquireLease(db.db, { phoneNumberId: 'n1', holder: 'A', now: 3000, ttlMs: 5000 })).toEqual({
      epoch: 1,
    });
    // A stops renewing; at 8000 its lease (renewed at 3000) has expired.
    expect(
      await acquireLease(db.db, { phoneNumberId: 'n1', holder: 'B', now: 7999, ttlMs: 5000 }),
    ).toBeNull();
    expect(await acquireLease(db.db, { phoneNumberId: 'n1', holder: 'B', now: 8000, ttlMs: 5000 })).toEqual({
      epoch: 2,
    });
    expect(
      await acquireLease(db.db, { phoneNumberId: 'n1', holder: 'A', now: 9000, ttlMs: 5000 }),
    ).toBeNull();
    await releaseLease(db.db, { phoneNumberId: 'n1', holder: 'B', epoch: 2 });
    expect(await acquireLease(db.db, { phoneNumberId: 'n1', holder: 'A', now: 9001, ttlMs: 5000 })).toEqual({
      epoch: 3,
    });
  });

  it('lets exactly one of many simultaneous claimants win', async () => {
    const results = await Promise.all(
      ['C1', 'C2', 'C3', 'C4', 'C5'].map((holder) =>
        acquireLease(db.db, { phoneNumberId: 'n2', holder, now: 1000 }),
      ),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(1);
  });
});

describe('rate limiter', () => {
  it('spaces messages at the rate with the given burst', () => {
    const g = new Gcra(100, 2);
    const times: number[] = [];
    let t = 0;
    for (let i = 0; i < 6; i++) {
      t = g.nextAt(t);
      g.take(t);
      times.push(t);
    }
    expect(times).toEqual([0, 0, 100, 200, 300, 400]);
  });
});
