import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { SandboxContext } from '../core/context.ts';
import type { Random } from '../core/random.ts';
import type { MediaState } from '../world/types.ts';

/** A 1×1 PNG: generated images are real images, so a viewer can show them. */
const PNG_1PX = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** Bytes, MIME type and file name of a generated media file of one kind. */
export function sampleMedia(
  type: string,
  random: Random,
): { bytes: Buffer; mimeType: string; filename: string | null } {
  const noise = random.bytes(16);
  switch (type) {
    case 'image':
      return { bytes: Buffer.concat([PNG_1PX, noise]), mimeType: 'image/png', filename: null };
    case 'video':
      return {
        bytes: Buffer.concat([Buffer.from('\0\0\0\x18ftypmp42'), noise]),
        mimeType: 'video/mp4',
        filename: null,
      };
    case 'audio':
      return {
        bytes: Buffer.concat([Buffer.from('OggS\0\x02'), noise]),
        mimeType: 'audio/ogg; codecs=opus',
        filename: null,
      };
    case 'sticker':
      return {
        bytes: Buffer.concat([Buffer.from('RIFF\x24\0\0\0WEBPVP8 '), noise]),
        mimeType: 'image/webp',
        filename: null,
      };
    default:
      return {
        bytes: Buffer.concat([Buffer.from('%PDF-1.4\n% sandbox document\n'), noise]),
        mimeType: 'application/pdf',
        filename: `document-${noise.toString('hex').slice(0, 6)}.pdf`,
      };
  }
}

/** Stores media bytes and returns their record (id, MIME type, sha256, size). */
export function createMedia(
  ctx: SandboxContext,
  o: { phoneNumberId: string | null; bytes: Buffer; mimeType: string; filename: string | null },
): MediaState {
  const id = ctx.ids.objectId(16);
  const media: MediaState = {
    id,
    phoneNumberId: o.phoneNumberId,
    mimeType: o.mimeType,
    // Webhooks carry the digest in base64 (as in Meta's payloads); GET /{media-id} gives hex.
    sha256: createHash('sha256').update(o.bytes).digest('base64'),
    fileSize: o.bytes.length,
    filename: o.filename,
    createdAt: ctx.scheduler.now(),
    deleted: false,
  };
  ctx.world.media[id] = media;
  ctx.mediaBytes.set(id, o.bytes);
  ctx.touch();
  return media;
}

/** The download URL of a media file: valid for 5 minutes, and the download needs the Bearer token. */
export function mediaUrl(ctx: SandboxContext, id: string): string {
  const expires = ctx.scheduler.now() + ctx.delay(5 * 60_000);
  const hash = createHmac('sha256', ctx.options.appSecret)
    .update(`${id}:${expires}`)
    .digest('base64url')
    .slice(0, 22);
  return `${ctx.baseUrl}/whatsapp_business/attachments/?mid=${id}&ext=${expires}&hash=${hash}`;
}

export function checkMediaUrl(
  ctx: SandboxContext,
  q: { mid?: string; ext?: string; hash?: string },
): string | null {
  if (!q.mid || !q.ext || !q.hash) return null;
  const expected = createHmac('sha256', ctx.options.appSecret)
    .update(`${q.mid}:${q.ext}`)
    .digest('base64url')
    .slice(0, 22);
  const given = Buffer.from(q.hash);
  const want = Buffer.from(expected);
  if (given.length !== want.length || !timingSafeEqual(given, want)) return null;
  if (Number(q.ext) < ctx.scheduler.now()) return null;
  return q.mid;
}
