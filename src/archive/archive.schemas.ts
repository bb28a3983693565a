import { z } from 'zod';
import { ZPage, ZTimestamp } from '../platform/http/api-schemas.ts';
import { pageQuery } from '../platform/http/pagination.ts';

/** The API contract of the compliance archive (`docs/archive.md`). */

/** A response that is text: a signed note, a verifier key, an export bundle. */
function textBody(mediaType: string, description: string) {
  return {
    content: {
      [mediaType]: {
        schema: z
          .custom<Buffer>((value) => Buffer.isBuffer(value))
          .meta({ type: 'string', contentMediaType: mediaType })
          .describe(description),
      },
    },
  };
}

export const ZCheckpointText = textBody(
  'text/plain',
  'The newest checkpoint: a C2SP tlog-checkpoint signed note',
);
export const ZKeyText = textBody('text/plain', 'The verifier key in C2SP vkey form (name+keyid+base64)');
export const ZBundleText = textBody('application/x-ndjson', 'An export bundle (coexist-archive-export/1)');

const ZIndex = z.coerce.number().int().min(0);

export const ZInclusionRequest = z.object({
  index: ZIndex,
  size: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe('A checkpointed tree size; the newest unless told'),
});

export const ZInclusionResponse = z
  .object({
    index: z.number().int(),
    tree_size: z.number().int(),
    root_hash: z.string().describe('base64'),
    entry: z.string().describe('The entry (canonical JSON): its leaf is SHA-256(0x00 ‖ entry)'),
    proof: z.array(z.string()).describe('RFC 9162 inclusion path, base64 hashes'),
    checkpoint: z.string().describe('The signed checkpoint of tree_size'),
    tlog_proof: z.string().describe('The same as a C2SP tlog-proof file'),
  })
  .meta({ id: 'ArchiveInclusionProof' });

export const ZConsistencyRequest = z.object({
  from: z.coerce.number().int().min(1),
  to: z.coerce.number().int().min(1),
});

export const ZConsistencyResponse = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
    proof: z.array(z.string()).describe('RFC 9162 consistency proof, base64 hashes'),
    from_checkpoint: z.string(),
    to_checkpoint: z.string(),
  })
  .meta({ id: 'ArchiveConsistencyProof' });

export const ZArchiveFilter = z.object({
  phone_number_id: z.string().min(1).optional(),
  contact_id: z.string().min(1).optional(),
  conversation_id: z.string().min(1).optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
});

export const ZSearchRequest = pageQuery.extend(ZArchiveFilter.shape).extend({
  message_id: z.string().min(1).optional(),
  type: z
    .string()
    .min(1)
    .optional()
    .describe('An entry type, e.g. message.edited; a prefix ending in . matches a family'),
  actor_id: z.string().min(1).optional(),
  origin: z.string().min(1).optional(),
  q: z.string().min(1).max(200).optional().describe('Text in the archived content (where not erased)'),
});

export const ZArchiveEntry = z
  .object({
    index: z.number().int(),
    type: z.string(),
    at: ZTimestamp,
    phone_number_id: z.string().nullable(),
    contact_id: z.string().nullable(),
    conversation_id: z.string().nullable(),
    message_id: z.string().nullable(),
    actor_id: z.string().nullable(),
    entry: z.string().describe('The entry as committed (canonical JSON)'),
    content: z.unknown().describe('The committed content, or null when there is none or it was erased'),
    erased: z.boolean(),
  })
  .meta({ id: 'ArchiveEntry' });

export const ZSearchResponse = ZPage(ZArchiveEntry);

export const ZVerificationStatus = z
  .object({
    origin: z.string(),
    size: z.number().int(),
    checkpoint: z
      .object({ size: z.number().int(), root_hash: z.string(), created_at: ZTimestamp })
      .nullable(),
    last_verification: z
      .object({
        started_at: ZTimestamp,
        finished_at: ZTimestamp,
        size: z.number().int(),
        ok: z.boolean(),
        problem: z.string().nullable(),
      })
      .nullable(),
    anchors: z
      .array(
        z.object({
          target: z.string().describe('`witness:<name>` or `s3:<bucket>`'),
          anchored_size: z
            .number()
            .int()
            .nullable()
            .describe('The largest checkpoint copied or co-signed there'),
          anchored_at: ZTimestamp.nullable(),
          failure: z
            .object({ size: z.number().int(), at: ZTimestamp, error: z.string() })
            .nullable()
            .describe('The newest refusal since the last success, or null'),
        }),
      )
      .describe('Where checkpoints are anchored outside the hub, and whether the last attempt failed'),
  })
  .meta({ id: 'ArchiveStatus' });

export const ZVerifyResponse = z
  .object({
    ok: z.boolean(),
    size: z.number().int(),
    checkpoints: z.number().int(),
    messages: z.number().int(),
    problems: z.array(z.string()),
  })
  .meta({ id: 'ArchiveVerification' });

export const ZCheckpointResponse = z.object({
  size: z.number().int(),
  root_hash: z.string(),
  note: z.string(),
});
