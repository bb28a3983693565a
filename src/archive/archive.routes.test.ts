import { afterEach, describe, expect, it } from 'vitest';
import { type ArchiveFixture, startArchiveFixture } from '../testing/archive-fixture.ts';
import { testDialects } from '../testing/databases.ts';
import { leafHash, verifyConsistency, verifyInclusion } from './merkle.ts';
import { openNote, parseCheckpoint, parseVerifierKey } from './signed-note.ts';
import { verifyBundle } from './verify-bundle.ts';

const TS = 1_764_000_000;

describe.each(testDialects)('the archive API (%s)', (dialect) => {
  let f: ArchiveFixture;
  afterEach(async () => {
    await f?.close();
  });

  async function call(method: 'GET' | 'POST', url: string, token: string, payload?: unknown) {
    return f.h.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });
  }

  async function token(role: 'auditor' | 'agent' | 'admin') {
    const { createApiToken } = await import('../auth/api-tokens.ts');
    return (await createApiToken(f.database.db, { name: role, wabaId: null, role, now: f.h.clock.now() }))
      .token;
  }

  it('serves the signed checkpoint and the key as text, and proofs that verify against them', async () => {
    f = await startArchiveFixture(dialect);
    await f.inbound([f.text('wamid.A', 'one', TS), f.text('wamid.B', 'two', TS + 1)]);
    await f.archive();
    const auditor = await token('auditor');
    expect((await call('GET', '/api/audit/checkpoint', auditor)).statusCode).toBe(404);
    const first = await call('POST', '/api/audit/checkpoint', auditor);
    expect(first.statusCode).toBe(200);
    await f.inbound([f.text('wamid.C', 'three', TS + 2)]);
    await f.archive();
    expect((await call('POST', '/api/audit/checkpoint', auditor)).statusCode).toBe(200);

    const keyRes = await call('GET', '/api/audit/key', auditor);
    expect(keyRes.headers['content-type']).toMatch(/^text\/plain/);
    const verifier = parseVerifierKey(keyRes.body);
    expect(verifier.name).toBe(f.h.deps.config.archiveOrigin);
    const cpRes = await call('GET', '/api/audit/checkpoint', auditor);
    expect(cpRes.headers['content-type']).toMatch(/^text\/plain/);
    const opened = openNote(cpRes.body, verifier);
    if (!opened.ok) throw new Error(opened.reason);
    const checkpoint = parseCheckpoint(opened.text);

    for (let index = 0; index < checkpoint.size; index++) {
      const res = await call('GET', `/api/audit/proofs/inclusion?index=${index}`, auditor);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      const path = body.proof.map((p: string) => Buffer.from(p, 'base64'));
      expect(
        verifyInclusion({
          index,
          size: checkpoint.size,
          leaf: leafHash(body.entry),
          path,
          root: checkpoint.root,
        }),
      ).toBe(true);
      expect(body.tlog_proof).toBe(
        `c2sp.org/tlog-proof@v1\nindex ${index}\n${body.proof.map((p: string) => `${p}\n`).join('')}\n${cpRes.body}`,
      );
    }
    const from = parseCheckpoint(`${JSON.parse(first.body).note.split('\n\n')[0]}\n`);
    const res = await call(
      'GET',
      `/api/audit/proofs/consistency?from=${from.size}&to=${checkpoint.size}`,
      auditor,
    );
    expect(res.statusCode).toBe(200);
    const proof = res.json().proof.map((p: string) => Buffer.from(p, 'base64'));
    expect(
      verifyConsistency({
        from: from.size,
        to: checkpoint.size,
        fromRoot: from.root,
        toRoot: checkpoint.root,
        proof,
      }),
    ).toBe(true);
    expect(
      (await call('GET', `/api/audit/proofs/inclusion?index=${checkpoint.size}`, auditor)).statusCode,
    ).toBe(404);
  });

  it('lets an auditor search versions by text, verify and export, and keeps agents out', async () => {
    f = await startArchiveFixture(dialect);
    await f.inbound([f.text('wamid.A', 'the invoice', TS)]);
    await f.inbound([f.edit('wamid.E', 'wamid.A', 'the corrected invoice', TS + 5)]);
    await f.archive();
    const auditor = await token('auditor');
    const search = await call('GET', '/api/audit/entries?q=INVOICE&type=message.', auditor);
    expect(search.statusCode).toBe(200);
    expect(
      search.json().data.map((e: { type: string; content: { body: string } }) => [e.type, e.content.body]),
    ).toEqual([
      ['message.edited', 'the corrected invoice'],
      ['message.received', 'the invoice'],
    ]);
    const verify = await call('POST', '/api/audit/verify', auditor);
    expect(verify.json()).toMatchObject({ ok: true, problems: [] });
    const status = (await call('GET', '/api/audit/status', auditor)).json();
    expect(status.last_verification).toMatchObject({ ok: true, problem: null });
    // No witness or bucket configured: nothing anchored, nothing refused.
    expect(status.anchors).toEqual([]);
    const bundle = await call('POST', '/api/audit/exports', auditor, {});
    expect(bundle.statusCode).toBe(200);
    expect(bundle.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(verifyBundle(bundle.body)).toMatchObject({ ok: true });

    const agent = await token('agent');
    expect((await call('GET', '/api/audit/entries', agent)).statusCode).toBe(403);
    expect((await call('POST', '/api/audit/exports', agent, {})).statusCode).toBe(403);
    expect((await call('GET', '/api/audit/key', agent)).statusCode).toBe(200);
  });
});
