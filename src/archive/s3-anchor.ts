import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { Config } from '../platform/config.ts';

/**
 * The archive's write-once copy in an S3 bucket with Object Lock (`COEXIST_ARCHIVE_S3_*`). For each
 * signed checkpoint, in size order, it writes the log's segment since the previous checkpoint
 * (`segments/<from>-<to>.jsonl`, one canonical entry per line: entries hold no personal content,
 * only salted hashes) and then the checkpoint itself (`checkpoints/<size>`), each with
 * `x-amz-object-lock-mode: COMPLIANCE` and a retain-until date, so neither the operator nor anyone
 * holding the bucket's keys can delete or replace them before it. Together the bucket holds the
 * whole tree: anyone can rebuild it from the segments and check it against the checkpoints.
 *
 * Each object is written with `If-None-Match: *`; when the key is already there (a retry after a
 * crash, or another node), its bytes must be the same, and otherwise the copy is refused as
 * inconsistent. Outcomes land in `archive_anchors` (`target = s3:<bucket>`).
 */

export type S3AnchorConfig = NonNullable<Config['archiveS3']>;

/** The bucket refused a write or holds something else under a key: recorded, alerted and retried. */
export class S3AnchorError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'S3AnchorError';
  }
}

/** An S3 client for the configured bucket (path-style for S3-compatible servers when asked). */
export function s3Client(config: S3AnchorConfig): S3Client {
  return new S3Client({
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
    // Retries are the job's (with backoff and a visible failure), not hidden inside one attempt.
    maxAttempts: 1,
  });
}

const pad = (n: number) => String(n).padStart(12, '0');

/** The object keys of checkpoint `size` and of its segment `[from, size)`. */
export function s3Keys(prefix: string, from: number, size: number): { checkpoint: string; segment: string } {
  return {
    checkpoint: `${prefix}checkpoints/${pad(size)}`,
    segment: `${prefix}segments/${pad(from)}-${pad(size)}.jsonl`,
  };
}

/** Writes `body` under `key` once, locked in COMPLIANCE mode; an existing object must be identical. */
export async function putLocked(
  client: S3Client,
  input: { bucket: string; key: string; body: string; contentType: string; retainUntil: Date },
): Promise<{ versionId: string | null; existed: boolean }> {
  try {
    const out = await client.send(
      new PutObjectCommand({
        Bucket: input.bucket,
        Key: input.key,
        Body: Buffer.from(input.body, 'utf8'),
        ContentType: input.contentType,
        IfNoneMatch: '*',
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: input.retainUntil,
        // S3 wants an integrity header on every write that sets an object lock.
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    return { versionId: out.VersionId ?? null, existed: false };
  } catch (error) {
    if (!(error instanceof S3ServiceException))
      throw new S3AnchorError((error as Error).message, 'Unreachable');
    if (error.name !== 'PreconditionFailed') {
      throw new S3AnchorError(`the bucket refused ${input.key}: ${error.name}: ${error.message}`, error.name);
    }
  }
  const existing = await client.send(new GetObjectCommand({ Bucket: input.bucket, Key: input.key }));
  const text = (await existing.Body?.transformToString('utf8')) ?? '';
  if (text !== input.body) {
    throw new S3AnchorError(`${input.key} in the bucket holds something else`, 'Inconsistent');
  }
  return { versionId: existing.VersionId ?? null, existed: true };
}

export type S3AnchorOutcome = { readonly size: number; readonly ok: boolean; readonly detail: string };

/**
 * Copies every checkpoint the bucket does not have yet, oldest first, with its segment. Stops at the
 * first refusal (recorded in `archive_anchors`) and throws it, so the job retries and, out of
 * attempts, shows a failure; what was copied before stays recorded.
 */
export async function anchorToS3(
  db: Kysely<DB>,
  input: { config: S3AnchorConfig; client: S3Client; now: number },
): Promise<S3AnchorOutcome[]> {
  const { config, client, now } = input;
  const target = `s3:${config.bucket}`;
  // Copies go in size order and stop at the first refusal, so what is copied is always a prefix.
  const done = await db
    .selectFrom('archive_anchors')
    .select((eb) => eb.fn.max('size').as('size'))
    .where('target', '=', target)
    .where('ok', '=', 1)
    .executeTakeFirst();
  let from = Number(done?.size ?? 0);
  const checkpoints = await db
    .selectFrom('archive_checkpoints')
    .select(['size', 'note'])
    .where('size', '>', from)
    .orderBy('size')
    .execute();
  const outcomes: S3AnchorOutcome[] = [];
  for (const row of checkpoints) {
    const size = Number(row.size);
    const keys = s3Keys(config.prefix, from, size);
    const retainUntil = new Date(now + config.retainDays * 86_400_000);
    try {
      const entries = await db
        .selectFrom('archive_entries')
        .select('entry')
        .where('idx', '>=', from)
        .where('idx', '<', size)
        .orderBy('idx')
        .execute();
      if (entries.length !== size - from)
        throw new S3AnchorError(`the log lacks entries below ${size}`, 'Gap');
      const segment = await putLocked(client, {
        bucket: config.bucket,
        key: keys.segment,
        body: entries.map((e) => `${e.entry}\n`).join(''),
        contentType: 'application/x-ndjson',
        retainUntil,
      });
      const checkpoint = await putLocked(client, {
        bucket: config.bucket,
        key: keys.checkpoint,
        body: row.note,
        contentType: 'text/plain; charset=utf-8',
        retainUntil,
      });
      const receipt = JSON.stringify({
        segment: { key: keys.segment, version_id: segment.versionId },
        checkpoint: { key: keys.checkpoint, version_id: checkpoint.versionId },
        retain_until: retainUntil.toISOString(),
      });
      await recordAnchor(db, { target, size, now, ok: true, text: receipt });
      outcomes.push({ size, ok: true, detail: receipt });
    } catch (error) {
      const detail = (error as Error).message;
      await recordAnchor(db, { target, size, now, ok: false, text: detail });
      outcomes.push({ size, ok: false, detail });
      throw error instanceof S3AnchorError ? error : new S3AnchorError(detail, 'Error');
    }
    from = size;
  }
  return outcomes;
}

async function recordAnchor(
  db: Kysely<DB>,
  input: { target: string; size: number; now: number; ok: boolean; text: string },
): Promise<void> {
  const values = {
    anchored_at: input.now,
    ok: input.ok ? 1 : 0,
    receipt: input.ok ? input.text : null,
    error: input.ok ? null : input.text,
  };
  await db
    .insertInto('archive_anchors')
    .values({ target: input.target, size: input.size, ...values })
    .onConflict((oc) => oc.columns(['target', 'size']).doUpdateSet(values))
    .execute();
}
