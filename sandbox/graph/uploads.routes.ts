import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../core/context.ts';
import { SIGNUP_DEFAULTS } from '../signup/signup-state.ts';
import type { UploadSessionState } from '../world/types.ts';
import { GraphError, unknownObject } from './errors.ts';

/** What Meta's Resumable Upload API takes (`file_type`): the samples of template media headers. */
const FILE_TYPES = ['application/pdf', 'image/jpeg', 'image/jpg', 'image/png', 'video/mp4'];
/** The largest sample a media header takes (a document: 100 MB). */
const MAX_LENGTH = 100 * 1024 * 1024;

const invalid = (details: string) => new GraphError(100, { message: 'Invalid parameter', details });

function sessionsOf(ctx: SandboxContext): Record<string, UploadSessionState> {
  ctx.world.uploadSessions ??= {};
  return ctx.world.uploadSessions;
}

function sessionOf(ctx: SandboxContext, key: string, sig: unknown): UploadSessionState {
  const s = sessionsOf(ctx)[key];
  if (!s || s.sig !== sig) throw unknownObject(`upload:${key}`, 'post');
  return s;
}

/**
 * The template media kind a handle may illustrate (`IMAGE`, `VIDEO`, `DOCUMENT`), or null when the
 * sandbox never issued the handle.
 */
export function uploadedHandleKind(ctx: SandboxContext, handle: string): string | null {
  const s = Object.values(ctx.world.uploadSessions ?? {}).find((u) => u.handle === handle);
  if (!s) return null;
  if (s.fileType.startsWith('image/')) return 'IMAGE';
  if (s.fileType === 'video/mp4') return 'VIDEO';
  return 'DOCUMENT';
}

/**
 * Meta's Resumable Upload API, which gives the sample (`example.header_handle`) of a template's
 * media header: `POST /{app-id}/uploads?file_name&file_length&file_type` opens a session
 * (`{ id: "upload:…?sig=…" }`), `POST /upload:…` with the header `file_offset` and the bytes as the
 * body sends them (`{ h: "<handle>" }` once the file is whole), and `GET /upload:…` tells the
 * offset to resume from. The second and third calls authenticate with `Authorization: OAuth <token>`.
 */
export function uploadRoutes(ctx: SandboxContext) {
  return async (app: FastifyInstance): Promise<void> => {
    // The bytes of the file are the body, whatever their type (in this plugin only).
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    app.post('/:version/:id/uploads', async (req) => {
      const { id } = req.params as { id: string };
      if (id !== SIGNUP_DEFAULTS.appId) throw unknownObject(id, 'post');
      const q = req.query as Record<string, string | undefined>;
      const length = Number(q.file_length);
      if (!q.file_length || !Number.isInteger(length) || length <= 0)
        throw invalid('The parameter file_length is required and must be a positive integer.');
      if (length > MAX_LENGTH) throw invalid(`file_length may be at most ${MAX_LENGTH} bytes.`);
      const fileType = String(q.file_type ?? '').toLowerCase();
      if (!FILE_TYPES.includes(fileType))
        throw invalid(`Param file_type must be one of {${FILE_TYPES.join(', ')}}.`);
      const key = Buffer.from(`${ctx.ids.hex(12)}?file_length=${length}&file_type=${fileType}`).toString(
        'base64url',
      );
      const sig = ctx.ids.traceId();
      sessionsOf(ctx)[key] = {
        key,
        sig,
        fileName: q.file_name ?? 'sample',
        fileLength: length,
        fileType,
        offset: 0,
        sha256: null,
        handle: null,
        createdAt: ctx.scheduler.now(),
      };
      ctx.touch();
      return { id: `upload:${key}?sig=${sig}` };
    });

    // `upload:::session` is the literal `upload:` (a colon is escaped by doubling) then the key.
    app.post('/:version/upload:::session', async (req) => {
      const { session } = req.params as { session: string };
      const s = sessionOf(ctx, session, (req.query as Record<string, unknown>).sig);
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const offset = Number(req.headers.file_offset ?? 'NaN');
      if (!Number.isInteger(offset)) throw invalid('The header file_offset is required.');
      if (offset !== s.offset)
        throw invalid(`file_offset ${offset} does not match the ${s.offset} bytes received so far.`);
      if (s.offset + body.length > s.fileLength)
        throw invalid(`The upload is longer than its file_length (${s.fileLength}).`);
      const hash = createHash('sha256');
      if (s.sha256) hash.update(s.sha256);
      hash.update(body);
      s.sha256 = hash.digest('hex');
      s.offset += body.length;
      if (s.offset === s.fileLength && !s.handle) {
        s.handle = `4::${Buffer.from(s.fileType).toString('base64')}:${ctx.ids.traceId()}:${ctx.ids.hex(8)}`;
      }
      ctx.touch();
      return s.handle ? { h: s.handle } : { id: `upload:${s.key}`, file_offset: s.offset };
    });

    app.get('/:version/upload:::session', async (req) => {
      const { session } = req.params as { session: string };
      const s = sessionOf(ctx, session, (req.query as Record<string, unknown>).sig);
      return { id: `upload:${s.key}`, file_offset: s.offset };
    });
  };
}
