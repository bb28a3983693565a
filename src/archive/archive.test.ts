import type { Transaction } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { DB } from '../database.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import type { StoredEvent } from '../platform/events/subscriber.ts';
import { toStoredEvent } from '../platform/events/subscriber-worker.ts';
import { type ArchiveFixture, PN, startArchiveFixture } from '../testing/archive-fixture.ts';
import { testDialects } from '../testing/databases.ts';
import { selectCounter, triedAndRolledBack } from '../testing/statements.ts';
import { archiveSubscriber } from './archive.subscriber.ts';
import { archivedEventTypes } from './archive-event.mapper.ts';
import { leafHash } from './merkle.ts';
import { archiveKeyring, payloadCipher } from './payload-crypto.ts';
import { generateSigner, signNote } from './signed-note.ts';

const TS = 1_764_000_000;

describe.each(testDialects)('the compliance archive (%s)', (dialect) => {
  let f: ArchiveFixture;
  afterEach(async () => {
    await f?.close();
  });

  /** Three customer messages, the second edited twice and the third revoked, all archived and checkpointed. */
  async function seeded(): Promise<ArchiveFixture> {
    f = await startArchiveFixture(dialect);
    await f.inbound([
      f.text('wamid.A', 'first', TS),
      f.text('wamid.B', 'second', TS + 1),
      f.text('wamid.C', 'third', TS + 2),
    ]);
    await f.archive();
    await f.inbound([f.edit('wamid.E1', 'wamid.B', 'second, edited', TS + 10)]);
    await f.archive();
    await f.inbound([f.edit('wamid.E2', 'wamid.B', 'second, edited again', TS + 20)]);
    await f.inbound([f.revoke('wamid.R1', 'wamid.C', TS + 30)]);
    await f.archive();
    await f.checkpoint();
    return f;
  }

  const messageId = async (wamid: string) =>
    (
      await f.database.db
        .selectFrom('messages')
        .select('id')
        .where('wamid', '=', wamid)
        .executeTakeFirstOrThrow()
    ).id;

  it('archives every version of every message, each edit pointing at the original, and verifies', async () => {
    await seeded();
    const b = await messageId('wamid.B');
    const versions = await f.database.db
      .selectFrom('archive_entries')
      .innerJoin('archive_payloads', 'archive_payloads.idx', 'archive_entries.idx')
      .select(['archive_entries.idx', 'type', 'entry', 'content', 'archive_payloads.contact_id'])
      .where('message_id', '=', b)
      .orderBy('archive_entries.idx')
      .execute();
    // Stored encrypted under the contact's data key; the plaintext matches each version.
    for (const v of versions) expect(v.content).not.toContain('second');
    const bodies = await Promise.all(
      versions.map(async (v) => ((await f.opened(v)) as { body: string }).body),
    );
    expect(versions.map((v, i) => [v.type, bodies[i]])).toEqual([
      ['message.received', 'second'],
      ['message.edited', 'second, edited'],
      ['message.edited', 'second, edited again'],
    ]);
    const original = Number(versions[0]!.idx);
    for (const v of versions.slice(1)) expect(JSON.parse(v.entry).data.original).toBe(original);
    // The leaf commits to a salted hash, never to the text.
    for (const v of versions) expect(v.entry).not.toContain('second');
    const c = await messageId('wamid.C');
    const revoked = await f.database.db
      .selectFrom('archive_entries')
      .select('type')
      .where('message_id', '=', c)
      .execute();
    expect(revoked.map((r) => r.type)).toEqual(['message.received', 'message.revoked']);
    const report = await f.verify();
    expect(report).toMatchObject({ ok: true, problems: [], messages: 3, checkpoints: 1 });
    expect(report.size).toBeGreaterThanOrEqual(6);
  });

  it('keeps an interim version that a later edit overwrote before the archive ran', async () => {
    f = await startArchiveFixture(dialect);
    await f.inbound([f.text('wamid.A', 'first', TS)]);
    await f.inbound([f.edit('wamid.E1', 'wamid.A', 'first, edited', TS + 10)]);
    await f.inbound([f.edit('wamid.E2', 'wamid.A', 'first, edited again', TS + 20)]);
    await f.archive();
    const a = await messageId('wamid.A');
    const versions = await f.database.db
      .selectFrom('archive_entries')
      .innerJoin('archive_payloads', 'archive_payloads.idx', 'archive_entries.idx')
      .select(['type', 'content', 'archive_payloads.contact_id'])
      .where('message_id', '=', a)
      .orderBy('archive_entries.idx')
      .execute();
    const bodies = await Promise.all(
      versions.map(async (v) => ((await f.opened(v)) as { body: string }).body),
    );
    expect(versions.map((v, i) => [v.type, bodies[i]])).toEqual([
      ['message.received', 'first'],
      ['message.edited', 'first, edited'],
      ['message.edited', 'first, edited again'],
    ]);
    await f.checkpoint();
    expect(await f.verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('names an entry in which one byte was changed', async () => {
    await seeded();
    const row = await f.database.db
      .selectFrom('archive_entries')
      .select(['idx', 'entry'])
      .where('idx', '=', 2)
      .executeTakeFirstOrThrow();
    const changed = row.entry.replace(/"at":(\d)/, (_, d: string) => `"at":${(Number(d) + 1) % 10}`);
    expect(changed).not.toBe(row.entry);
    await f.database.db.updateTable('archive_entries').set({ entry: changed }).where('idx', '=', 2).execute();
    const report = await f.verify();
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toBe('entry 2 was altered: it no longer hashes to its leaf');
  });

  it('names a changed entry even when its stored leaf hash was rewritten to match, through the checkpoint', async () => {
    await seeded();
    const row = await f.database.db
      .selectFrom('archive_entries')
      .select('entry')
      .where('idx', '=', 1)
      .executeTakeFirstOrThrow();
    const forged = row.entry.replace(/"at":(\d)/, (_, d: string) => `"at":${(Number(d) + 1) % 10}`);
    expect(forged).not.toBe(row.entry);
    await f.database.db
      .updateTable('archive_entries')
      .set({ entry: forged, leaf_hash: leafHash(forged).toString('hex') })
      .where('idx', '=', 1)
      .execute();
    const report = await f.verify();
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual(
      expect.stringMatching(
        /^checkpoint \d+ does not match the entries: an entry in \[0, \d+\) was changed$/,
      ),
    );
  });

  it('names a message whose text was changed in the live table', async () => {
    await seeded();
    const a = await messageId('wamid.A');
    await f.database.db
      .updateTable('messages')
      .set({ content_json: JSON.stringify({ body: 'forged' }) })
      .where('id', '=', a)
      .execute();
    const report = await f.verify();
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatch(
      new RegExp(`^message ${a}'s current content differs from its newest archive entry \\d+$`),
    );
  });

  it('names a deleted entry', async () => {
    await seeded();
    await f.database.db.deleteFrom('archive_entries').where('idx', '=', 3).execute();
    const report = await f.verify();
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toBe('entry 3 is missing (next stored entry is 4)');
  });

  it('names two swapped entries', async () => {
    await seeded();
    const rows = await f.database.db
      .selectFrom('archive_entries')
      .selectAll()
      .where('idx', 'in', [1, 2])
      .orderBy('idx')
      .execute();
    await f.database.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('archive_entries').where('idx', 'in', [1, 2]).execute();
      await trx
        .insertInto('archive_entries')
        .values([
          { ...rows[1]!, idx: 1 },
          { ...rows[0]!, idx: 2 },
        ])
        .execute();
    });
    const report = await f.verify();
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toBe('entry 1 says it is entry 2: entries were moved or swapped');
  });

  it('names a checkpoint replaced by one signed with another key', async () => {
    await seeded();
    const cp = await f.checkpoint();
    const other = generateSigner(f.h.deps.config.archiveOrigin).signer;
    const text = cp.note.slice(0, cp.note.lastIndexOf('\n\n') + 1);
    await f.database.db
      .updateTable('archive_checkpoints')
      .set({ note: signNote(text, other) })
      .where('size', '=', cp.size)
      .execute();
    const report = await f.verify();
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatch(
      new RegExp(`^checkpoint ${cp.size} is not signed by the archive key: no signature by `),
    );
  });

  it('names a message row that has no entry, but not one whose event the archive has yet to handle', async () => {
    await seeded();
    await f.inbound([f.text('wamid.D', 'not archived yet', TS + 40)]);
    expect((await f.verify()).ok).toBe(true);
    await f.archive();
    const a = await f.database.db
      .selectFrom('messages')
      .selectAll()
      .where('wamid', '=', 'wamid.A')
      .executeTakeFirstOrThrow();
    await f.database.db
      .insertInto('messages')
      .values({ ...a, id: 'm-smuggled', wamid: 'wamid.SMUGGLED', seq: undefined } as never)
      .execute();
    const report = await f.verify();
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toBe('message m-smuggled has no archive entry');
  });

  it('refuses to sign a checkpoint when the log no longer extends the last one', async () => {
    await seeded();
    const row = await f.database.db
      .selectFrom('archive_entries')
      .select('leaf_hash')
      .where('idx', '=', 0)
      .executeTakeFirstOrThrow();
    await f.database.db
      .updateTable('archive_entries')
      .set({ leaf_hash: row.leaf_hash.replace(/^./, (c) => (c === '0' ? '1' : '0')) })
      .where('idx', '=', 0)
      .execute();
    await f.inbound([f.text('wamid.F', 'more', TS + 50)]);
    await f.archive();
    await expect(f.checkpoint()).rejects.toThrow(/refusing to sign/);
  });
  it('records template, campaign and automation changes with who made them', async () => {
    f = await startArchiveFixture(dialect);
    const actor = { kind: 'user' as const, id: 'user-ada' };
    await f.database.db.transaction().execute(async (trx) => {
      await recordEvent(
        trx,
        {
          type: 'template.changed',
          phoneNumberId: null,
          payload: {
            template_id: 'tpl-1',
            name: 'order_update',
            language: 'en_US',
            action: 'edited',
            from: null,
            to: null,
            actor,
          },
        },
        f.h.clock.now(),
      );
      await recordEvent(
        trx,
        {
          type: 'campaign.changed',
          phoneNumberId: null,
          payload: { campaign_id: 'cmp-1', action: 'started', actor },
        },
        f.h.clock.now(),
      );
      await recordEvent(
        trx,
        {
          type: 'automation.changed',
          phoneNumberId: null,
          payload: { entity: 'rule', id: 'rule-1', action: 'updated', actor },
        },
        f.h.clock.now(),
      );
    });
    await f.archive();
    const rows = await f.database.db
      .selectFrom('archive_entries')
      .select(['type', 'actor_id', 'entry'])
      .where('type', 'in', ['template.changed', 'campaign.changed', 'automation.changed'])
      .orderBy('idx')
      .execute();
    expect(rows.map((r) => [r.type, r.actor_id])).toEqual([
      ['template.changed', 'user-ada'],
      ['campaign.changed', 'user-ada'],
      ['automation.changed', 'user-ada'],
    ]);
    expect(JSON.parse(rows[0]!.entry).data).toMatchObject({ template_id: 'tpl-1', action: 'edited' });
    await f.checkpoint();
    expect(await f.verify()).toMatchObject({ ok: true });
  });

  it('writes the same entries, in the same order, whether a slice is handled at once or event by event', async () => {
    f = await startArchiveFixture(dialect);
    // Archived before: message A's first version is in the log when the slices come.
    await f.inbound([f.text('wamid.A', 'first', TS)]);
    await f.archive();
    const after = Number(
      (
        await f.database.db
          .selectFrom('domain_events')
          .select((eb) => eb.fn.max('id').as('id'))
          .executeTakeFirstOrThrow()
      ).id,
    );
    await f.inbound([
      f.text('wamid.B', 'second', TS + 1),
      f.edit('wamid.E1', 'wamid.A', 'first, edited', TS + 2),
    ]);
    await f.inbound([f.edit('wamid.E2', 'wamid.B', 'second, edited', TS + 3)]);
    const a = await messageId('wamid.A');
    const b = await messageId('wamid.B');
    const conversation = (
      await f.database.db
        .selectFrom('messages')
        .select('conversation_id')
        .where('id', '=', a)
        .executeTakeFirstOrThrow()
    ).conversation_id;
    await f.database.db.transaction().execute(async (trx) => {
      const at = f.h.clock.now();
      const ref = (id: string) => ({ message_id: id, conversation_id: conversation });
      // An intermediate status (not archived), an outcome, a message the hub does not have.
      await recordEvent(
        trx,
        {
          type: 'message.status_changed',
          phoneNumberId: PN,
          payload: { ...ref(b), from: null, to: 'sending' },
        },
        at,
      );
      await recordEvent(
        trx,
        {
          type: 'message.status_changed',
          phoneNumberId: PN,
          payload: { ...ref(b), from: 'sent', to: 'read' },
        },
        at,
      );
      await recordEvent(trx, { type: 'message.revoked', phoneNumberId: PN, payload: ref('m-gone') }, at);
      await recordEvent(
        trx,
        {
          type: 'contact.changed',
          phoneNumberId: PN,
          payload: { contact_id: 'k-1', change: 'name', actor: { kind: 'user', id: 'u-1' } },
        },
        at,
      );
    });
    await f.inbound([
      f.edit('wamid.E3', 'wamid.A', 'first, edited again', TS + 4),
      f.revoke('wamid.R1', 'wamid.B', TS + 5),
    ]);
    const events = (
      await f.database.db
        .selectFrom('domain_events')
        .selectAll()
        .where('id', '>', after)
        .orderBy('id')
        .execute()
    )
      .map(toStoredEvent)
      .filter(
        (e): e is StoredEvent => e !== null && (archivedEventTypes as readonly string[]).includes(e.type),
      );
    expect(events.length).toBeGreaterThanOrEqual(9);
    const context = f.h.deps;
    const reads = selectCounter(['messages', 'archive_entries']);
    const counted: Array<{ messages: number; entries: number }> = [];
    const written = (work: (trx: Transaction<DB>) => Promise<void>) =>
      triedAndRolledBack(
        f.database.db.withPlugin(reads.plugin),
        async (trx) => {
          reads.reset();
          await work(trx);
        },
        async (trx) => {
          counted.push({ messages: reads.of('messages'), entries: reads.of('archive_entries') });
          // Opened in the transaction (SQLite has one connection, and the rows are rolled back).
          const cipher = payloadCipher(trx as never, archiveKeyring(f.h.deps.config));
          const rows = await trx
            .selectFrom('archive_entries')
            .leftJoin('archive_payloads', 'archive_payloads.idx', 'archive_entries.idx')
            .select([
              'archive_entries.idx',
              'entry',
              'archive_payloads.contact_id',
              'archive_payloads.content',
            ])
            .where('event_id', '>', after)
            .orderBy('archive_entries.idx')
            .execute();
          return Promise.all(
            rows.map(async (r) => {
              // The content's commitment is salted afresh each time: everything else must be the same.
              const { content_sha256, ...entry } = JSON.parse(r.entry);
              return {
                entry,
                committed: typeof content_sha256 === 'string',
                content:
                  r.content === null
                    ? null
                    : JSON.parse((await cipher.open(r.contact_id, r.content)) ?? 'null'),
              };
            }),
          );
        },
      );
    const one = await written(async (trx) => {
      for (const e of events) await archiveSubscriber.handle(trx as never, e, context);
    });
    // Slices that cut between the versions of one message.
    const sliced = await written(async (trx) => {
      await archiveSubscriber.handleBatch?.(trx as never, events.slice(0, 2), context);
      await archiveSubscriber.handleBatch?.(trx as never, events.slice(2, 5), context);
      await archiveSubscriber.handleBatch?.(trx as never, events.slice(5), context);
    });
    const whole = await written(async (trx) => {
      await archiveSubscriber.handleBatch?.(trx as never, events, context);
    });
    expect(sliced).toEqual(one);
    expect(whole).toEqual(one);
    // Event by event, each event's message and versions are read apart; a slice reads them once:
    // its messages, and the entries already there (its events') and its messages' versions.
    expect(counted[2]).toEqual({ messages: 1, entries: 2 });
    expect(counted[0]!.messages).toBeGreaterThanOrEqual(7);
    // What they all wrote: every version pointing at its message's first entry and the one before.
    const versions = one
      .filter((e) => e.entry.message_id !== null)
      .map((e) => [
        e.entry.type,
        e.entry.message_id,
        e.entry.index,
        e.entry.data.original,
        e.entry.data.previous,
      ]);
    const aFirst = Number(
      (
        await f.database.db
          .selectFrom('archive_entries')
          .select('idx')
          .where('message_id', '=', a)
          .where('type', '=', 'message.received')
          .executeTakeFirstOrThrow()
      ).idx,
    );
    const first = one[0]!.entry.index as number;
    expect(versions).toEqual([
      ['message.edited', a, first, aFirst, aFirst],
      ['message.received', b, first + 1, undefined, undefined],
      ['message.edited', b, first + 2, first + 1, first + 1],
      ['message.status_changed', b, first + 3, undefined, undefined],
      ['message.revoked', 'm-gone', first + 4, undefined, undefined],
      ['message.edited', a, first + 6, aFirst, first],
      ['message.revoked', b, first + 7, first + 1, first + 2],
    ]);
    expect(one.map((e) => [e.entry.type, e.content])).toEqual([
      ['message.edited', { body: 'first, edited' }],
      ['message.received', { body: 'second' }],
      ['message.edited', { body: 'second, edited' }],
      ['message.status_changed', null],
      ['message.revoked', null],
      ['contact.changed', null],
      ['message.edited', { body: 'first, edited again' }],
      ['message.revoked', null],
    ]);
    expect(one[4]!.entry.data).toMatchObject({ message_missing: true });
  });
});
