import { z } from 'zod';
import { ZTimestamp } from '../platform/http/api-schemas.ts';
import { ZSegmentFilter } from './segment-filter.ts';

export const ZSegment = z.object({
  id: z.string(),
  name: z.string(),
  filter: ZSegmentFilter,
  created_by: z.string().nullable(),
  created_at: ZTimestamp,
  updated_at: ZTimestamp,
});
export const ZSegmentInput = z
  .object({ name: z.string().trim().min(1).max(120), filter: ZSegmentFilter })
  .strict();
export const ZSegmentList = z.object({ data: z.array(ZSegment) });
export const ZCountRequest = z.object({ filter: ZSegmentFilter }).strict();
export const ZCountResponse = z.object({ count: z.number().int(), sample: z.array(z.string()) });
export const ZAudiencePageQuery = z.object({
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export const ZAudiencePage = z.object({
  contact_ids: z.array(z.string()),
  next_cursor: z.string().nullable(),
});

export const ZImportMode = z.enum(['all_or_nothing', 'valid_only']);
export const ZCreateImportRequest = z
  .object({
    phone_number_id: z.string().min(1),
    mode: ZImportMode,
    file_name: z.string().max(200).optional(),
    /** The CSV file's text (UTF-8), header row first. */
    csv: z.string().min(1).max(9_000_000),
  })
  .strict();
export const ZImportReject = z.object({
  row: z.number().int(),
  reason: z.string(),
  /** A stable code for `reason` and its values (absent on imports made before codes existed). */
  code: z.string().optional(),
  params: z.record(z.string(), z.string()).optional(),
  raw: z.record(z.string(), z.string()),
});
export const ZContactImport = z.object({
  id: z.string(),
  phone_number_id: z.string(),
  mode: ZImportMode,
  state: z.enum(['pending', 'running', 'done', 'rejected', 'failed']),
  file_name: z.string().nullable(),
  total_rows: z.number().int(),
  valid_rows: z.number().int(),
  processed_rows: z.number().int(),
  imported_rows: z.number().int(),
  rejected_rows: z.number().int(),
  /** The first 200 rejected rows (all of them: `GET …/rejected.csv`). */
  rejects: z.array(ZImportReject),
  created_at: ZTimestamp,
  updated_at: ZTimestamp,
});
export const ZImportList = z.object({ data: z.array(ZContactImport) });
