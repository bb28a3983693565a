import { afterEach, describe, expect, it } from 'vitest';
import { createApiToken } from '../auth/api-tokens.ts';
import { type ArchiveFixture, startArchiveFixture } from '../testing/archive-fixture.ts';
import { testDialects } from '../testing/databases.ts';
import { activeHoldOn } from './hold.queries.ts';

describe.each(testDialects)('legal holds (%s)', (dialect) => {
  let f: ArchiveFixture;
  afterEach(async () => {
    await f?.close();
  });

  it('admins place and release holds, each an entry with reason and actor; auditors only read them', async () => {
    f = await startArchiveFixture(dialect);
    await f.inbound([f.text('wamid.A', 'hello', 1_764_000_000)]);
    await f.archive();
    const db = f.database.db;
    const contact = await db.selectFrom('contacts').select('id').executeTakeFirstOrThrow();
    const tokenOf = async (role: 'admin' | 'auditor') =>
      (await createApiToken(db, { name: role, wabaId: null, role, now: f.h.clock.now() })).token;
    const [admin, auditor] = [await tokenOf('admin'), await tokenOf('auditor')];
    const call = (method: 'GET' | 'POST', url: string, token: string, payload?: unknown) =>
      f.h.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}` },
        ...(payload ? { payload } : {}),
      });

    const body = { scope: 'contact', target_id: contact.id, reason: 'Litigation 2026-17' };
    expect((await call('POST', '/api/audit/holds', auditor, body)).statusCode).toBe(403);
    expect((await call('POST', '/api/audit/holds', admin, { ...body, target_id: 'nobody' })).statusCode).toBe(
      404,
    );
    const placed = await call('POST', '/api/audit/holds', admin, body);
    expect(placed.statusCode).toBe(201);
    const hold = placed.json();
    expect(hold).toMatchObject({
      scope: 'contact',
      target_id: contact.id,
      active: true,
      reason: 'Litigation 2026-17',
    });
    expect(await activeHoldOn(db, { contactId: contact.id })).toMatchObject({ id: hold.id });
    expect((await call('GET', '/api/audit/holds', auditor)).json().data).toHaveLength(1);

    const released = await call('POST', `/api/audit/holds/${hold.id}/release`, admin, { reason: 'Settled' });
    expect(released.json()).toMatchObject({ active: false, release_reason: 'Settled' });
    expect(
      (await call('POST', `/api/audit/holds/${hold.id}/release`, admin, { reason: 'again' })).statusCode,
    ).toBe(409);
    expect(await activeHoldOn(db, { contactId: contact.id })).toBeNull();

    const entries = await db
      .selectFrom('archive_entries')
      .innerJoin('archive_payloads', 'archive_payloads.idx', 'archive_entries.idx')
      .select(['type', 'actor_id', 'content', 'archive_entries.contact_id'])
      .where('type', 'like', 'audit.hold%')
      .orderBy('archive_entries.idx')
      .execute();
    // The payload store holds the reason encrypted, never in the clear.
    for (const e of entries) expect(e.content).not.toMatch(/Litigation|Settled/);
    const opened = await Promise.all(entries.map((e) => f.opened(e)));
    expect(entries.map((e, i) => [e.type, (opened[i] as { reason: string }).reason, e.contact_id])).toEqual([
      ['audit.hold_placed', 'Litigation 2026-17', contact.id],
      ['audit.hold_released', 'Settled', contact.id],
    ]);
    expect(entries.every((e) => e.actor_id !== null)).toBe(true);
    expect((await f.verify()).problems).toEqual([]);
  });
});
