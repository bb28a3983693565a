import { afterEach, describe, expect, it } from 'vitest';
import { type ArchiveFixture, startArchiveFixture } from '../testing/archive-fixture.ts';
import { testDialects } from '../testing/databases.ts';
import { startWitnessServer, type WitnessServer } from '../testing/witness-server.ts';
import { archiveVerifier } from './verification.ts';
import { addCheckpointBody, anchorWithWitnesses, parseWitnesses } from './witness.ts';

const TS = 1_764_000_000;

describe.each(testDialects)('anchoring checkpoints with a C2SP witness (%s)', (dialect) => {
  let f: ArchiveFixture;
  let witness: WitnessServer;
  afterEach(async () => {
    await witness?.close();
    await f?.close();
  });

  it('pushes each new checkpoint with a consistency proof; the witness verifies it and co-signs', async () => {
    f = await startArchiveFixture(dialect);
    const db = f.database.db;
    witness = await startWitnessServer({
      name: 'witness.test',
      log: await archiveVerifier(db, f.h.deps.config, f.h.clock.now()),
    });
    const witnesses = parseWitnesses(`${witness.url} ${witness.key}`);
    const push = async () =>
      anchorWithWitnesses(db, { witnesses, checkpoint: await f.checkpoint(), now: f.h.clock.now() });

    await f.inbound([f.text('wamid.A', 'one', TS)]);
    await f.archive();
    const first = await push();
    expect(first).toMatchObject([{ witness: 'witness.test', ok: true }]);
    expect(witness.requests[0]).toMatch(/^old 0\n\n/);

    await f.inbound([f.text('wamid.B', 'two', TS + 1), f.text('wamid.C', 'three', TS + 2)]);
    await f.archive();
    const second = await push();
    expect(second).toMatchObject([{ ok: true }]);
    // From the size it co-signed before, with a proof the witness checked.
    const firstSize = Number(
      (await db.selectFrom('archive_checkpoints').select('size').orderBy('size').executeTakeFirstOrThrow())
        .size,
    );
    expect(witness.requests[1]).toMatch(new RegExp(`^old ${firstSize}\\n[A-Za-z0-9+/=]+\\n`));
    const anchors = await db.selectFrom('archive_anchors').selectAll().orderBy('size').execute();
    expect(anchors.map((a) => [Number(a.ok), a.receipt?.startsWith('— witness.test ')])).toEqual([
      [1, true],
      [1, true],
    ]);
    expect([...witness.state.values()][0]!.size).toBe(Number(anchors[1]!.size));

    // The witness forgot nothing: after the hub lost its anchor rows, its 409 names the size, and the
    // second try from there succeeds.
    await db.deleteFrom('archive_anchors').execute();
    await f.inbound([f.text('wamid.D', 'four', TS + 3)]);
    await f.archive();
    expect(await push()).toMatchObject([{ ok: true }]);
    expect(witness.requests.at(-2)).toMatch(/^old 0\n/);
  });

  it('a witness refuses a proof that does not hold, and the refusal is recorded', async () => {
    f = await startArchiveFixture(dialect);
    const db = f.database.db;
    witness = await startWitnessServer({
      name: 'witness.test',
      log: await archiveVerifier(db, f.h.deps.config, f.h.clock.now()),
    });
    await f.inbound([f.text('wamid.A', 'one', TS)]);
    await f.archive();
    const witnesses = parseWitnesses(`${witness.url} ${witness.key}`);
    const cp1 = await f.checkpoint();
    expect(await anchorWithWitnesses(db, { witnesses, checkpoint: cp1, now: 1 })).toMatchObject([
      { ok: true },
    ]);
    await f.inbound([f.text('wamid.B', 'two', TS + 1)]);
    await f.archive();
    const cp2 = await f.checkpoint();
    // A forged proof straight at the witness: refused.
    const forged = await fetch(`${witness.url}/add-checkpoint`, {
      method: 'POST',
      body: addCheckpointBody(cp1.size, [Buffer.alloc(32, 7)], cp2.note),
    });
    expect(forged.status).toBe(422);
    // A witness whose key is not the one configured: its answer is not accepted.
    const impostor = await startWitnessServer({
      name: 'witness.test',
      log: await archiveVerifier(db, f.h.deps.config, f.h.clock.now()),
    });
    try {
      const wrongKey = parseWitnesses(`${impostor.url} ${witness.key}`);
      const [outcome] = await anchorWithWitnesses(db, { witnesses: wrongKey, checkpoint: cp2, now: 2 });
      expect(outcome).toMatchObject({ ok: false });
      expect(outcome!.detail).toMatch(/without a valid co-signature/);
      const row = await db
        .selectFrom('archive_anchors')
        .selectAll()
        .where('size', '=', cp2.size)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ ok: 0, receipt: null });
    } finally {
      await impostor.close();
    }
  });
});
