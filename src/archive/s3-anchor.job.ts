import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { raiseAlert } from '../outbound/alerts.ts';
import { defineJob, type JobContext } from '../platform/jobs/job.ts';

/**
 * Copies new checkpoints and their log segments to the Object Lock bucket (`s3-anchor.ts`) every
 * minute, when `COEXIST_ARCHIVE_S3_BUCKET` is set. A refusal is recorded in `archive_anchors`,
 * raises the `ARCHIVE_S3_REFUSED` alert and fails the attempt, so the job retries with backoff and,
 * out of attempts, is listed among the failed jobs; the next run starts again from the refused one.
 */
export const archiveS3AnchorJob = defineJob({
  id: 'archive.s3-anchor',
  schema: z.object({}),
  schedule: { everyMs: 60_000, firstRunMs: 20_000 },
  retry: { attempts: 3, backoffMs: 10_000 },
  async handler(_payload, { deps, now }: JobContext<AppDeps>) {
    const config = deps.config.archiveS3;
    if (!config) return;
    // Loaded on first use: a hub without a bucket never pays for the AWS SDK's start-up.
    const { anchorToS3, S3AnchorError, s3Client } = await import('./s3-anchor.ts');
    const client = s3Client(config);
    try {
      const outcomes = await anchorToS3(deps.database.db, { config, client, now });
      if (outcomes.length > 0) deps.logger.info({ checkpoints: outcomes.length }, 'archive copied to S3');
    } catch (error) {
      await raiseAlert(deps.database.db, {
        phoneNumberId: null,
        wabaId: null,
        code: 'ARCHIVE_S3_REFUSED',
        title: 'The archive could not be copied to its Object Lock bucket',
        message: (error as Error).message,
        details: { bucket: config.bucket, code: error instanceof S3AnchorError ? error.code : 'Error' },
        now,
      });
      throw error;
    } finally {
      client.destroy();
    }
  },
});
