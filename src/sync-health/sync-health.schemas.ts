import { z } from 'zod';
import { ZTimestamp } from '../platform/http/api-schemas.ts';
import { CHECK_NAMES } from './checks.ts';

/** The API contract of sync health (`docs/sync-health.md`). */

export const ZCheckState = z.enum(['ok', 'warning', 'failing', 'unknown']);

export const ZSyncHealthCheck = z
  .object({
    check: z.enum(CHECK_NAMES),
    title: z.string(),
    state: ZCheckState,
    summary: z.string().describe('What the check found, in a sentence'),
    what_to_do: z.string().nullable().describe('The fix, while the check warns or fails'),
    details: z.record(z.string(), z.unknown()).nullable(),
    since: ZTimestamp.nullable().describe('When the check entered its state'),
    checked_at: ZTimestamp.nullable(),
  })
  .meta({ id: 'SyncHealthCheck' });

export const ZSyncHealth = z
  .object({
    phone_number_id: z.string(),
    display_phone_number: z.string(),
    verified_name: z.string().nullable(),
    state: ZCheckState.describe('The worst state of its checks (unknown counts as ok)'),
    checks: z.array(ZSyncHealthCheck),
  })
  .meta({ id: 'SyncHealth' });

export type SyncHealth = z.infer<typeof ZSyncHealth>;
export type SyncHealthCheck = z.infer<typeof ZSyncHealthCheck>;
