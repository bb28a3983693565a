import { readFileSync } from 'node:fs';
import { type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiToken } from '../auth/api-tokens.ts';
import type { DB } from '../database.ts';
import { type ArchiveFixture, startArchiveFixture } from '../testing/archive-fixture.ts';
import { testDialects } from '../testing/databases.ts';
import { backfillMessages } from './backfill.ts';
import { writeBundle } from './export-bundle.ts';
import { archiveKeyring } from './payload-crypto.ts';
import { purgeExpired } from './retention.ts';

const TS = 1_764_000_000;
const DAY = 86_400_000;
// Text that appears nowhere else: after an erasure not one byte sequence of it may remain.
const SECRET = 'Zebra-quartz 4471 my private diagnosis';
const EDITED = 'Zebra-quartz 4471 my private diagnosis, corrected';

/** Every text value of every row of every table (PostgreSQL): where the erased text must not be. */
async function everyTextValue(db: Kysely<DB>): Promise<string> {
  const tables = await db.introspection.getTables();
  const out: string[] = [];
  for (const t of tables) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(t.name)}`.execute(db);
    for (const row of rows.rows) out.push(JSON.stringify(row));
  }
  return out.join('\n');
}

function sqliteBytes(url: string): Buffer {
  const file = url.slice('sqlite:'.length);
  const parts = [readFileSync(file)];
  for (const suffix of ['-wal', '-shm']) {
    try {
      parts.push(readFileSync(`${file}${suffix}`));
    } catch {
      // not there: nothing to search
    }
  }
  return Buffer.concat(parts);
}

describe.each(testDialects)('retention, legal hold and erasure (%s)', (dialect) => {
  let f: ArchiveFixture;
  afterEach(async () => {
    await f?.close();
  });

  const call = async (method: 'POST' | 'PUT' | 'GET', url: string, payload?: unknown) => {
    const { token } = await createApiToken(f.database.db, {
      name: 'admin',
      wabaId: null,
      role: 'admin',
      now: f.h.clock.now(),
    });
    return f.h.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });
  };

  it('erases a contact by crypto-shredding once its hold is released; the log still verifies and the text is gone', async () => {
    f = await startArchiveFixture(dialect);
    await f.inbound([f.text('wamid.S1', SECRET, TS), f.text('wamid.S2', 'second message', TS + 1)]);
    await f.inbound([f.edit('wamid.S3', 'wamid.S1', EDITED, TS + 5)]);
    await f.archive();
    await f.checkpoint();
    const db = f.database.db;
    const contact = await db.selectFrom('contacts').select(['id', 'wa_id']).executeTakeFirstOrThrow();
    const conversation = await db.selectFrom('conversations').select('id').executeTakeFirstOrThrow();
    const before = await db.selectFrom('archive_entries').select('idx').execute();

    // A hold on the conversation blocks the erasure, and says so.
    const hold = await call('POST', '/api/audit/holds', {
      scope: 'conversation',
      target_id: conversation.id,
      reason: 'Case 7',
    });
    expect(hold.statusCode).toBe(201);
    const body = { contact_id: contact.id, confirm: contact.wa_id, reason: 'GDPR request 2026-0042' };
    const blocked = await call('POST', '/api/audit/erasures', body);
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json().error).toMatchObject({
      code: 'LEGAL_HOLD_ACTIVE',
      details: { hold_id: hold.json().id, scope: 'conversation' },
    });
    expect(await db.selectFrom('messages').select('id').execute()).toHaveLength(2);
    // The wrong confirmation is refused too.
    expect((await call('POST', '/api/audit/erasures', { ...body, confirm: 'nope' })).statusCode).toBe(400);

    await call('POST', `/api/audit/holds/${hold.json().id}/release`, { reason: 'Closed' });
    const erased = await call('POST', '/api/audit/erasures', body);
    expect(erased.statusCode).toBe(200);
    expect(erased.json()).toMatchObject({ contact_id: contact.id, messages: 2, conversations: 1 });
    expect(erased.json().payloads).toBeGreaterThanOrEqual(3);

    // Gone from the live tables, the payload store and the key store.
    expect(await db.selectFrom('messages').select('id').execute()).toEqual([]);
    expect(await db.selectFrom('contacts').select('id').execute()).toEqual([]);
    expect(await db.selectFrom('conversations').select('id').execute()).toEqual([]);
    const key = await db
      .selectFrom('data_keys')
      .selectAll()
      .where('subject', '=', `contact:${contact.id}`)
      .executeTakeFirstOrThrow();
    expect(key.wrapped_key).toBeNull();
    expect(
      await db.selectFrom('archive_payloads').select('idx').where('contact_id', '=', contact.id).execute(),
    ).toEqual([]);

    // The log keeps every entry and records the erasure; it verifies.
    const after = await db
      .selectFrom('archive_entries')
      .select(['idx', 'type', 'entry'])
      .orderBy('idx')
      .execute();
    expect(after.length).toBeGreaterThan(before.length);
    const erasure = after.find((e) => e.type === 'audit.contact_erased')!;
    expect(JSON.parse(erasure.entry)).toMatchObject({
      contact_id: contact.id,
      data: { messages: 2, reason: 'GDPR request 2026-0042' },
    });
    await f.checkpoint();
    expect(await f.verify()).toMatchObject({ ok: true, problems: [] });
    // An export shows the entries existed, without their content.
    const bundle = await writeBundle(db, {
      config: f.h.deps.config,
      filter: {},
      now: f.h.clock.now(),
      actor: null,
    });
    expect(bundle.text).toContain('message.received');
    expect(bundle.text).not.toContain('Zebra');

    // Not in the bytes of the database (SQLite: file, WAL and shared memory) or any row (PostgreSQL).
    if (dialect === 'sqlite') {
      const bytes = sqliteBytes(f.database.url);
      for (const needle of ['Zebra-quartz', 'private diagnosis', contact.wa_id!])
        expect(bytes.includes(Buffer.from(needle)), needle).toBe(false);
    } else {
      const all = await everyTextValue(db);
      for (const needle of ['Zebra-quartz', 'private diagnosis']) expect(all).not.toContain(needle);
    }
  });

  it('purges content past its retention class with a controllable clock; a legal hold keeps it until released', async () => {
    f = await startArchiveFixture(dialect);
    await f.inbound([f.text('wamid.R1', 'old enough', TS), f.text('wamid.R2', 'recent', TS + 60 * 86_400)]);
    await f.archive();
    const db = f.database.db;
    const number = await db.selectFrom('phone_numbers').select('id').executeTakeFirstOrThrow();
    const set = await call('PUT', '/api/audit/retention', {
      scope: 'number',
      target_id: number.id,
      keep_days: 90,
    });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ scope: 'number', keep_days: 90 });
    const keyring = archiveKeyring(f.h.deps.config);
    const purge = () => purgeExpired(f.database, { now: f.h.clock.now(), keyring });

    f.h.clock.set(TS * 1000 + 89 * DAY);
    expect(await purge()).toMatchObject({ purged: 0, held: 0 });

    // Day 100: the first message expired, but a hold on the number keeps it.
    f.h.clock.set(TS * 1000 + 100 * DAY);
    const hold = await call('POST', '/api/audit/holds', {
      scope: 'number',
      target_id: number.id,
      reason: 'Audit',
    });
    expect(await purge()).toMatchObject({ purged: 0, held: 1 });
    expect(await db.selectFrom('messages').select('wamid').execute()).toHaveLength(2);

    await call('POST', `/api/audit/holds/${hold.json().id}/release`, { reason: 'Done' });
    const report = await purge();
    expect(report).toMatchObject({ purged: 1, held: 0 });
    expect((await db.selectFrom('messages').select('wamid').execute()).map((m) => m.wamid)).toEqual([
      'wamid.R2',
    ]);
    const purgedEntry = await db
      .selectFrom('archive_entries')
      .select('entry')
      .where('idx', '=', report.entries[0]!)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(purgedEntry.entry)).toMatchObject({ type: 'audit.purged', data: { messages: 1 } });
    // The message's entries stay (hashes only); their payloads are gone; the tree verifies.
    const r1 = await db
      .selectFrom('archive_entries')
      .leftJoin('archive_payloads', 'archive_payloads.idx', 'archive_entries.idx')
      .select(['archive_entries.idx', 'archive_payloads.content'])
      .where('type', '=', 'message.received')
      .orderBy('archive_entries.idx')
      .execute();
    expect(r1.map((r) => r.content === null)).toEqual([true, false]);
    await f.checkpoint();
    expect(await f.verify()).toMatchObject({ ok: true, problems: [] });

    // Day 200: the second one goes too; nothing is purged twice.
    f.h.clock.set(TS * 1000 + 200 * DAY);
    expect(await purge()).toMatchObject({ purged: 1 });
    expect(await purge()).toMatchObject({ purged: 0 });
    expect(await f.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('backfills messages stored before the archive was on, so a message without an entry stays a real fault', async () => {
    f = await startArchiveFixture(dialect);
    await f.inbound([f.text('wamid.B1', 'from before the archive', TS)]);
    await f.archive();
    const db = f.database.db;
    // As if the archive had never seen it: its entries removed (and the log rebuilt without them).
    const message = await db.selectFrom('messages').select('id').executeTakeFirstOrThrow();
    await db.deleteFrom('archive_payloads').execute();
    await db.deleteFrom('archive_entries').execute();
    await db.updateTable('archive_head').set({ size: 0 }).execute();
    expect((await f.verify()).problems).toEqual([`message ${message.id} has no archive entry`]);

    const keyring = archiveKeyring(f.h.deps.config);
    f.h.clock.advance(120_000);
    expect(await backfillMessages(db, { now: f.h.clock.now(), keyring })).toBe(1);
    expect(await backfillMessages(db, { now: f.h.clock.now(), keyring })).toBe(0);
    const entries = await db.selectFrom('archive_entries').select(['type', 'message_id']).execute();
    expect(entries).toEqual([{ type: 'message.backfilled', message_id: message.id }]);
    await f.checkpoint();
    expect(await f.verify()).toMatchObject({ ok: true, problems: [] });
    // The cross-check still bites: the live text changed after its entry is caught.
    await db
      .updateTable('messages')
      .set({ content_json: JSON.stringify({ type: 'text', body: 'altered' }) })
      .execute();
    expect((await f.verify()).problems[0]).toMatch(/current content differs/);
  });
});
