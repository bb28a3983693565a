import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../core/context.ts';
import type { MediaState } from '../world/types.ts';
import { GraphError } from './errors.ts';
import { checkMediaUrl, createMedia } from './media-store.ts';
import { unknownNode } from './server.ts';

const MAX_BYTES: Record<string, number> = {
  audio: 16 * 1024 * 1024,
  video: 16 * 1024 * 1024,
  image: 5 * 1024 * 1024,
  sticker: 500 * 1024,
  document: 100 * 1024 * 1024,
};

const ACCEPTED = [
  'audio/aac',
  'audio/amr',
  'audio/mpeg',
  'audio/mp4',
  'audio/ogg',
  'audio/ogg; codecs=opus',
  'text/plain',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/pdf',
  'image/jpeg',
  'image/png',
  'image/webp',
  'video/mp4',
  'video/3gpp',
];

function kindOf(mime: string): string {
  if (mime === 'image/webp') return 'sticker';
  const head = mime.split('/')[0];
  return head === 'image' || head === 'audio' || head === 'video' ? head : 'document';
}

/** `{ messaging_product, url, mime_type, sha256, file_size, id }` as `GET /{media-id}` answers. */
export function mediaInfo(ctx: SandboxContext, m: MediaState): Record<string, unknown> {
  return {
    messaging_product: 'whatsapp',
    url: ctx.mediaUrl(m.id),
    mime_type: m.mimeType,
    sha256: Buffer.from(m.sha256, 'base64').toString('hex'),
    file_size: m.fileSize,
    id: m.id,
  };
}

/** Media upload (`POST /{phone-number-id}/media`, multipart). */
export function mediaRoutes(ctx: SandboxContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post('/:version/:id/media', async (req) => {
      const { id } = req.params as { id: string };
      if (!ctx.world.numbers[id]) throw unknownNode(id, 'post');
      if (!req.isMultipart())
        throw new GraphError(100, { details: 'Upload media as multipart/form-data with a file part.' });
      // Graph merges query-string parameters with the body (some clients send messaging_product there).
      let product = (req.query as Record<string, string | undefined>).messaging_product;
      let typeField: string | undefined;
      let file: { bytes: Buffer; mime: string; filename: string } | undefined;
      for await (const part of req.parts()) {
        if (part.type === 'file') {
          file = { bytes: await part.toBuffer(), mime: part.mimetype, filename: part.filename };
        } else if (part.fieldname === 'messaging_product') {
          product = String(part.value);
        } else if (part.fieldname === 'type') {
          typeField = String(part.value);
        }
      }
      if (product !== 'whatsapp')
        throw new GraphError(100, {
          message: 'The parameter messaging_product is required.',
          details: 'The parameter messaging_product is required.',
        });
      if (!file)
        throw new GraphError(100, {
          message: 'The parameter file is required.',
          details: 'The parameter file is required.',
        });
      const mime = (
        typeField && typeField !== 'application/octet-stream' ? typeField : file.mime
      ).toLowerCase();
      if (!ACCEPTED.includes(mime) && !ACCEPTED.includes(mime.split(';')[0]!.trim())) {
        throw new GraphError(131053, {
          details: `Param file must be a file with one of the following types: ${ACCEPTED.join(', ')}. Received file of type '${mime}'.`,
        });
      }
      const kind = kindOf(mime);
      if (file.bytes.length === 0) throw new GraphError(131053, { details: 'The uploaded file is empty.' });
      if (file.bytes.length > (MAX_BYTES[kind] ?? MAX_BYTES.document!)) {
        throw new GraphError(131053, {
          details: `The ${kind} file is larger than the maximum allowed size.`,
        });
      }
      const media = createMedia(ctx, {
        phoneNumberId: id,
        bytes: file.bytes,
        mimeType: mime,
        filename: file.filename || null,
      });
      return { id: media.id };
    });
  };
}

/** `GET <media url>` with the Bearer token: the bytes (404 once the 5-minute URL expired). */
export function mediaDownloadRoute(
  ctx: SandboxContext,
  requireToken: (req: import('fastify').FastifyRequest) => void,
) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/whatsapp_business/attachments/', async (req, reply) => {
      requireToken(req);
      const id = checkMediaUrl(ctx, req.query as { mid?: string; ext?: string; hash?: string });
      const media = id ? ctx.world.media[id] : undefined;
      const bytes = id ? ctx.mediaBytes.get(id) : undefined;
      if (!media || media.deleted || !bytes) {
        return reply.code(404).type('text/plain').send('Not Found');
      }
      return reply.type(media.mimeType).header('content-length', bytes.length).send(bytes);
    });
  };
}
