import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../app-deps.ts';
import { loadConfig } from '../platform/config.ts';
import { type ArchiveFixture, startArchiveFixture } from '../testing/archive-fixture.ts';
import { testDialects } from '../testing/databases.ts';
import { type S3Server, startS3Server } from '../testing/s3-object-lock-server.ts';
import { anchorStates } from './archive.queries.ts';
import { buildLevels, leafHash, rootHash } from './merkle.ts';
import { archiveS3AnchorJob } from './s3-anchor.job.ts';
import { anchorToS3, putLocked, type S3AnchorConfig, s3Client } from './s3-anchor.ts';
import { openNote, parseCheckpoint } from './signed-note.ts';
import { archiveVerifier } from './verification.ts';

const TS = 1_764_000_000;
const DAY = 86_400_000;

function bucketConfig(s3: S3Server, bucket: string, secret = s3.secretAccessKey): S3AnchorConfig {
  const config = loadConfig({
    META_APP_SECRET: 'test-app-secret',
    META_VERIFY_TOKEN: 'test-verify-token',
    COEXIST_ARCHIVE_S3_BUCKET: bucket,
    COEXIST_ARCHIVE_S3_ENDPOINT: s3.url,
    COEXIST_ARCHIVE_S3_FORCE_PATH_STYLE: 'true',
    COEXIST_ARCHIVE_S3_PREFIX: 'hub-a/',
    COEXIST_ARCHIVE_S3_RETAIN_DAYS: '2555',
    COEXIST_ARCHIVE_S3_ACCESS_KEY_ID: s3.accessKeyId,
    COEXIST_ARCHIVE_S3_SECRET_ACCESS_KEY: secret,
  });
  return config.archiveS3!;
}

/** The newest version's bytes and lock of `key`, straight from the stand-in's store. */
function stored(s3: S3Server, bucket: string, key: string) {
  const versions = s3.buckets.get(bucket)?.objects.get(key) ?? [];
  return { versions, newest: versions.at(-1) };
}

describe.each(testDialects)('the archive copy in an S3 bucket with Object Lock (%s)', (dialect) => {
  let f: ArchiveFixture;
  let s3: S3Server;
  let client: S3Client | undefined;
  afterEach(async () => {
    client?.destroy();
    await s3?.close();
    await f?.close();
  });

  it('writes each checkpoint and its log segment locked in COMPLIANCE mode; the bucket alone rebuilds the tree', async () => {
    f = await startArchiveFixture(dialect);
    const db = f.database.db;
    s3 = await startS3Server();
    s3.createBucket('archive-worm', { objectLock: true });
    const config = bucketConfig(s3, 'archive-worm');
    client = s3Client(config);
    const now = Date.now();

    await f.inbound([f.text('wamid.A', 'one', TS), f.text('wamid.B', 'two', TS + 1)]);
    await f.archive();
    const first = await f.checkpoint();
    expect(await anchorToS3(db, { config, client, now })).toMatchObject([{ size: first.size, ok: true }]);
    await f.inbound([f.text('wamid.C', 'three', TS + 2)]);
    await f.archive();
    const second = await f.checkpoint();
    expect(await anchorToS3(db, { config, client, now })).toMatchObject([{ size: second.size, ok: true }]);
    // Nothing new: nothing written again.
    expect(await anchorToS3(db, { config, client, now })).toEqual([]);

    const pad = (n: number) => String(n).padStart(12, '0');
    const keys = [...s3.buckets.get('archive-worm')!.objects.keys()].sort();
    expect(keys).toEqual([
      `hub-a/checkpoints/${pad(first.size)}`,
      `hub-a/checkpoints/${pad(second.size)}`,
      `hub-a/segments/${pad(0)}-${pad(first.size)}.jsonl`,
      `hub-a/segments/${pad(first.size)}-${pad(second.size)}.jsonl`,
    ]);
    for (const key of keys) {
      const { versions, newest } = stored(s3, 'archive-worm', key);
      expect(versions).toHaveLength(1);
      expect(newest!.lockMode).toBe('COMPLIANCE');
      expect(newest!.retainUntil).toBe(new Date(now + 2555 * DAY).getTime());
    }
    // Every write was signed, carried its integrity header and was accepted.
    const puts = s3.log.filter((l) => l.method === 'PUT');
    expect(puts.map((l) => l.status)).toEqual([200, 200, 200, 200]);
    for (const put of puts)
      expect(put.signed).toEqual(
        expect.arrayContaining([
          'host',
          'x-amz-checksum-sha256',
          'x-amz-content-sha256',
          'x-amz-object-lock-mode',
          'x-amz-object-lock-retain-until-date',
          'if-none-match',
        ]),
      );

    // A third party with only the bucket and the verifier key: concatenate the segments, rebuild the
    // tree, check the newest checkpoint's signature and root.
    const read = async (key: string) =>
      (await (
        await client!.send(new GetObjectCommand({ Bucket: 'archive-worm', Key: key }))
      ).Body?.transformToString('utf8')) ?? '';
    const entries = [
      ...(await read(keys[2]!)).split('\n').filter(Boolean),
      ...(await read(keys[3]!)).split('\n').filter(Boolean),
    ];
    expect(entries.map((e) => (JSON.parse(e) as { index: number }).index)).toEqual(
      Array.from({ length: second.size }, (_, i) => i),
    );
    const note = await read(keys[1]!);
    const opened = openNote(note, await archiveVerifier(db, f.h.deps.config, f.h.clock.now()));
    expect(opened.ok).toBe(true);
    const checkpoint = parseCheckpoint(opened.ok ? opened.text : '');
    expect(checkpoint.size).toBe(second.size);
    expect(rootHash(buildLevels(entries.map((e) => leafHash(e)))).equals(checkpoint.root)).toBe(true);
    const anchors = await db.selectFrom('archive_anchors').selectAll().orderBy('size').execute();
    expect(anchors.map((a) => [a.target, Number(a.size), Number(a.ok)])).toEqual([
      ['s3:archive-worm', first.size, 1],
      ['s3:archive-worm', second.size, 1],
    ]);
  });

  it('the bucket refuses to delete or replace a locked version, and the hub never overwrites one', async () => {
    f = await startArchiveFixture(dialect);
    const db = f.database.db;
    s3 = await startS3Server();
    s3.createBucket('archive-worm', { objectLock: true });
    const config = bucketConfig(s3, 'archive-worm');
    client = s3Client(config);
    await f.inbound([f.text('wamid.A', 'one', TS)]);
    await f.archive();
    const cp = await f.checkpoint();
    await anchorToS3(db, { config, client, now: Date.now() });
    const key = `hub-a/checkpoints/${String(cp.size).padStart(12, '0')}`;
    const locked = stored(s3, 'archive-worm', key).newest!;

    // Deleting the locked version: refused (COMPLIANCE holds even for the bucket's owner).
    await expect(
      client.send(new DeleteObjectCommand({ Bucket: 'archive-worm', Key: key, VersionId: locked.versionId })),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    // Writing the key again with a conditional put: refused; a plain put only adds a newer version.
    const retainUntil = new Date(Date.now() + DAY);
    await expect(
      putLocked(client, {
        bucket: 'archive-worm',
        key,
        body: 'forged\n',
        contentType: 'text/plain',
        retainUntil,
      }),
    ).rejects.toThrow(/holds something else/);
    await client.send(new PutObjectCommand({ Bucket: 'archive-worm', Key: key, Body: 'forged\n' }));
    await client.send(new DeleteObjectCommand({ Bucket: 'archive-worm', Key: key }));
    const after = await client.send(
      new GetObjectCommand({ Bucket: 'archive-worm', Key: key, VersionId: locked.versionId }),
    );
    expect(await after.Body?.transformToString('utf8')).toBe(cp.note);
    expect(after.ObjectLockMode).toBe('COMPLIANCE');

    // The stand-in is as strict as S3: a lock without an integrity header, and a bad signature.
    const bare = new S3Client({
      region: 'us-east-1',
      endpoint: s3.url,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      maxAttempts: 1,
    });
    try {
      await expect(
        bare.send(
          new PutObjectCommand({
            Bucket: 'archive-worm',
            Key: 'no-checksum',
            Body: 'x',
            ObjectLockMode: 'COMPLIANCE',
            ObjectLockRetainUntilDate: retainUntil,
          }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidRequest' });
    } finally {
      bare.destroy();
    }
    const wrong = s3Client(bucketConfig(s3, 'archive-worm', 'not-the-secret'));
    try {
      await expect(
        wrong.send(new GetObjectCommand({ Bucket: 'archive-worm', Key: key })),
      ).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
    } finally {
      wrong.destroy();
    }
  });

  it('a bucket that refuses: recorded, alerted, failed for the job to retry; the retry after the fix copies it', async () => {
    f = await startArchiveFixture(dialect);
    const db = f.database.db;
    s3 = await startS3Server();
    // No Object Lock configuration on this bucket: S3 refuses every locked write.
    s3.createBucket('no-lock', { objectLock: false });
    const config = bucketConfig(s3, 'no-lock');
    await f.inbound([f.text('wamid.A', 'one', TS)]);
    await f.archive();
    const cp = await f.checkpoint();
    const deps = { ...f.h.deps, config: { ...f.h.deps.config, archiveS3: config } } as unknown as AppDeps;
    const run = () =>
      archiveS3AnchorJob.handler(
        {},
        { deps, jobId: 'job-1', attempt: 1, now: f.h.clock.now(), signal: new AbortController().signal },
      );
    await expect(run()).rejects.toThrow(/Object Lock/);
    const failed = await db.selectFrom('archive_anchors').selectAll().executeTakeFirstOrThrow();
    expect(failed).toMatchObject({ target: 's3:no-lock', ok: 0, receipt: null });
    expect(Number(failed.size)).toBe(cp.size);
    expect(failed.error).toMatch(/InvalidRequest.*Object Lock/);
    const alert = await db
      .selectFrom('alerts')
      .selectAll()
      .where('code', '=', 'ARCHIVE_S3_REFUSED')
      .executeTakeFirstOrThrow();
    expect(alert.message).toMatch(/Object Lock/);
    expect(alert.resolved_at).toBeNull();
    // The auditor's status shows the refusal.
    expect(await anchorStates(db)).toMatchObject([
      {
        target: 's3:no-lock',
        anchored_size: null,
        failure: { size: cp.size, error: expect.stringMatching(/Object Lock/) },
      },
    ]);
    // A second refusal counts on the same alert.
    await expect(run()).rejects.toThrow();
    expect(
      Number(
        (await db.selectFrom('alerts').select('count').where('id', '=', alert.id).executeTakeFirstOrThrow())
          .count,
      ),
    ).toBe(2);

    // The operator enables Object Lock: the next run copies it.
    s3.createBucket('no-lock', { objectLock: true });
    await run();
    const row = await db.selectFrom('archive_anchors').selectAll().executeTakeFirstOrThrow();
    expect(Number(row.ok)).toBe(1);
    expect(await anchorStates(db)).toMatchObject([
      { target: 's3:no-lock', anchored_size: cp.size, failure: null },
    ]);
    expect(
      stored(s3, 'no-lock', `hub-a/checkpoints/${String(cp.size).padStart(12, '0')}`).newest?.lockMode,
    ).toBe('COMPLIANCE');
  });

  it('a bucket that already holds another checkpoint of that size: refused as inconsistent, never replaced', async () => {
    f = await startArchiveFixture(dialect);
    const db = f.database.db;
    s3 = await startS3Server();
    s3.createBucket('archive-worm', { objectLock: true });
    const config = bucketConfig(s3, 'archive-worm');
    client = s3Client(config);
    await f.inbound([f.text('wamid.A', 'one', TS)]);
    await f.archive();
    const cp = await f.checkpoint();
    const key = `hub-a/checkpoints/${String(cp.size).padStart(12, '0')}`;
    await putLocked(client, {
      bucket: 'archive-worm',
      key,
      body: 'another log\n',
      contentType: 'text/plain',
      retainUntil: new Date(Date.now() + DAY),
    });
    await expect(anchorToS3(db, { config, client, now: Date.now() })).rejects.toThrow(/holds something else/);
    expect(stored(s3, 'archive-worm', key).versions.map((v) => v.body.toString())).toEqual(['another log\n']);
    expect(Number((await db.selectFrom('archive_anchors').select('ok').executeTakeFirstOrThrow()).ok)).toBe(
      0,
    );
  });
});
