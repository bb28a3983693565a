import multipart from '@fastify/multipart';
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { isGraphId } from '../graph/graph-ids.ts';
import { MAX_MEDIA_BYTES } from '../media/media.service.ts';
import { findVisibleNumber } from '../numbers/number.queries.ts';
import { AppError } from '../platform/errors.ts';
import { errorResponses } from '../platform/http/api-schemas.ts';
import { ZUploadMediaResponse } from './outbound.schemas.ts';

/** What the multipart parser's limits are called (@fastify/multipart). */
const LIMIT_CODES = new Set([
  'FST_PARTS_LIMIT',
  'FST_FILES_LIMIT',
  'FST_FIELDS_LIMIT',
  'FST_REQ_FILE_TOO_LARGE',
]);

/**
 * Anything that goes wrong while parsing the parts is the client's body (a missing boundary, a
 * part cut off, a bad header): 400, or 413 for a limit, never a 500.
 */
function multipartError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && LIMIT_CODES.has(code)) {
    return new AppError('PAYLOAD_TOO_LARGE', `Too much in this form: ${(error as Error).message}.`);
  }
  return new AppError('VALIDATION_FAILED', `The multipart body is malformed: ${(error as Error).message}`);
}

/**
 * `POST /api/media` (multipart: `phone_number_id`, then `file`): uploads a file to Meta for that
 * number and answers `{ id, mime_type, file_size }`. The id goes into a media send
 * (`{ "type": "image", "image": { "id": "…" } }`); Meta keeps uploads for 30 days.
 */
export function mediaRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (app) => {
    await app.register(multipart, { limits: { fileSize: MAX_MEDIA_BYTES, files: 1, fields: 4 } });

    app.post(
      '/api/media',
      {
        schema: {
          consumes: ['multipart/form-data'],
          response: { 201: ZUploadMediaResponse, ...errorResponses },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        if (!request.isMultipart()) {
          throw new AppError('VALIDATION_FAILED', 'Send multipart/form-data with phone_number_id and file.');
        }
        let phoneNumberId: string | null = null;
        let file: { bytes: Buffer; mimeType: string; filename: string } | null = null;
        try {
          for await (const part of request.parts()) {
            if (part.type === 'field' && part.fieldname === 'phone_number_id')
              phoneNumberId = String(part.value);
            if (part.type === 'file' && part.fieldname === 'file') {
              const bytes = await part.toBuffer();
              if (part.file.truncated)
                throw new AppError('PAYLOAD_TOO_LARGE', 'The file is larger than 100 MB.');
              file = { bytes, mimeType: part.mimetype, filename: part.filename || 'upload' };
            }
          }
        } catch (error) {
          throw multipartError(error);
        }
        if (!phoneNumberId) throw new AppError('VALIDATION_FAILED', 'phone_number_id is required.');
        if (!isGraphId(phoneNumberId)) {
          throw new AppError('VALIDATION_FAILED', 'phone_number_id must be a numeric Graph id.');
        }
        if (!file || file.bytes.length === 0) throw new AppError('VALIDATION_FAILED', 'file is required.');
        const number = await findVisibleNumber(deps.database.db, principal, phoneNumberId);
        if (!number) throw new AppError('NOT_FOUND', 'No such phone number.');
        const result = await deps.graph.uploadMedia({ phoneNumberId, ...file });
        if (!result.ok) {
          throw new AppError('GRAPH_REQUEST_FAILED', result.error.message, {
            meta_code: result.error.code,
            details: result.error.details,
          });
        }
        return reply.code(201).send({
          id: result.value.id,
          mime_type: file.mimeType,
          file_size: file.bytes.length,
          filename: file.filename,
        });
      },
    );
  };
}
