import multipart from '@fastify/multipart';
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../app-deps.ts';
import { assertWabaAccess, principalOf } from '../auth/principal.ts';
import { isGraphId } from '../graph/graph-ids.ts';
import { AppError } from '../platform/errors.ts';
import { errorResponses } from '../platform/http/api-schemas.ts';
import { ZTemplateSampleResponse } from './templates.schemas.ts';

/** The files a media header's sample may be, with Meta's size limits (cloud-api.md §3.5). */
const SAMPLE_TYPES: Record<string, { format: 'IMAGE' | 'VIDEO' | 'DOCUMENT'; maxBytes: number }> = {
  'image/jpeg': { format: 'IMAGE', maxBytes: 5 * 1024 * 1024 },
  'image/png': { format: 'IMAGE', maxBytes: 5 * 1024 * 1024 },
  'video/mp4': { format: 'VIDEO', maxBytes: 16 * 1024 * 1024 },
  'application/pdf': { format: 'DOCUMENT', maxBytes: 100 * 1024 * 1024 },
};
const MAX_BYTES = 100 * 1024 * 1024;

function partsError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const code = String((error as { code?: unknown }).code ?? '');
  if (code.endsWith('_LIMIT') || code === 'FST_REQ_FILE_TOO_LARGE')
    return new AppError('PAYLOAD_TOO_LARGE', `Too much in this form: ${(error as Error).message}.`);
  return new AppError('VALIDATION_FAILED', `The multipart body is malformed: ${(error as Error).message}`);
}

/**
 * `POST /api/templates/samples` (multipart: `waba_id`, then `file`): uploads the sample of a media
 * header (a JPEG or PNG image, an MP4 video or a PDF document) through Meta's Resumable Upload API
 * and answers its handle, which a template definition's media header carries (`example_handle`).
 * Needs `META_APP_ID`: uploads belong to the app. The policy table's `templates.write` covers it.
 */
export function templateSampleRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (app) => {
    await app.register(multipart, { limits: { fileSize: MAX_BYTES, files: 1, fields: 2 } });
    app.post(
      '/api/templates/samples',
      {
        schema: {
          consumes: ['multipart/form-data'],
          response: { 201: ZTemplateSampleResponse, ...errorResponses },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        if (!request.isMultipart())
          throw new AppError('VALIDATION_FAILED', 'Send multipart/form-data with waba_id and file.');
        let wabaId: string | null = null;
        let file: { bytes: Buffer; mimeType: string; filename: string } | null = null;
        try {
          for await (const part of request.parts()) {
            if (part.type === 'field' && part.fieldname === 'waba_id') wabaId = String(part.value);
            if (part.type === 'file' && part.fieldname === 'file') {
              const bytes = await part.toBuffer();
              file = { bytes, mimeType: part.mimetype.toLowerCase(), filename: part.filename || 'sample' };
            }
          }
        } catch (error) {
          throw partsError(error);
        }
        if (!wabaId || !isGraphId(wabaId))
          throw new AppError('VALIDATION_FAILED', 'waba_id is required (a numeric Graph id).');
        assertWabaAccess(principal, wabaId);
        if (!file || file.bytes.length === 0) throw new AppError('VALIDATION_FAILED', 'file is required.');
        const kind = SAMPLE_TYPES[file.mimeType];
        if (!kind)
          throw new AppError(
            'VALIDATION_FAILED',
            `A header sample is a JPEG or PNG image, an MP4 video or a PDF document, not ${file.mimeType}.`,
          );
        if (file.bytes.length > kind.maxBytes)
          throw new AppError(
            'PAYLOAD_TOO_LARGE',
            `A ${kind.format.toLowerCase()} sample may be at most ${kind.maxBytes / 1024 / 1024} MB.`,
          );
        const appId = deps.config.metaAppId;
        if (!appId)
          throw new AppError(
            'CONFLICT',
            "Media header samples are uploaded with Meta's Resumable Upload API, which needs META_APP_ID.",
          );
        const uploaded = await deps.graph.uploadTemplateSample({ appId, wabaId, ...file });
        if (!uploaded.ok) {
          const e = uploaded.error;
          throw new AppError('GRAPH_REQUEST_FAILED', `Meta refused the sample: ${e.details ?? e.message}`, {
            meta_code: e.code,
            meta_message: e.details ?? e.message,
          });
        }
        return reply.status(201).send({
          data: {
            handle: uploaded.value.handle,
            format: kind.format,
            mime_type: file.mimeType,
            file_size: file.bytes.length,
          },
        });
      },
    );
  };
}
