import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../core/context.ts';
import { isIssuedToken } from '../signup/signup-state.ts';
import { GraphError, unknownObject, unknownPath } from './errors.ts';
import { mediaRoutes } from './media.routes.ts';
import { numberAdminRoutes } from './number-admin.routes.ts';
import { objectRoutes } from './objects.routes.ts';
import { handleMessagesPost } from './send.ts';
import { smbAppDataRoutes } from './smb-app-data.routes.ts';
import { templateRoutes } from './templates.routes.ts';
import { uploadRoutes } from './uploads.routes.ts';

const VERSION = /^v\d{1,2}\.\d$/;

function tokenOf(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (typeof header === 'string') {
    // `OAuth <token>` is how Meta's Resumable Upload API calls are authenticated.
    const m = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header.trim());
    return m ? m[1]!.trim() : null;
  }
  const q = (req.query as Record<string, unknown> | undefined)?.access_token;
  return typeof q === 'string' ? q : null;
}

function tokenAccepted(ctx: SandboxContext, token: string | null): boolean {
  if (!token) return false;
  const given = Buffer.from(token);
  for (const t of ctx.options.accessTokens) {
    const want = Buffer.from(t);
    if (want.length === given.length && timingSafeEqual(want, given)) return true;
  }
  return isIssuedToken(ctx, token);
}

/**
 * Bearer check shared by the Graph API and media downloads, with Graph's OAuth errors: no token →
 * 104 `An access token is required to request this resource.`; a wrong one → 190 `Invalid OAuth
 * access token - Cannot parse access token`. Both without `(#code)` prefix and without `error_data`.
 */
export function requireToken(ctx: SandboxContext, req: FastifyRequest): void {
  const token = tokenOf(req);
  if (tokenAccepted(ctx, token)) return;
  throw token
    ? new GraphError(190, {
        message: 'Invalid OAuth access token - Cannot parse access token',
        http: 401,
        prefix: false,
        errorData: false,
      })
    : new GraphError(104, {
        message: 'An access token is required to request this resource.',
        http: 401,
        prefix: false,
        errorData: false,
      });
}

/** The Graph API under `/{version}/…`, as the hub (or any Cloud API client) calls it. */
export function graphRoutes(ctx: SandboxContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.addHook('onRequest', async (req) => {
      const version = (req.params as { version?: string }).version ?? '';
      if (!VERSION.test(version)) throw unknownPath(req.url);
      requireToken(ctx, req);
    });
    app.addHook('onSend', async (req, reply, payload) => {
      recordRequest(ctx, req, reply, payload);
      return payload;
    });
    app.post('/:version/:id/messages', async (req) => {
      const { version, id } = req.params as { version: string; id: string };
      const number = ctx.world.numbers[id];
      if (!number) throw unknownNode(id, 'post');
      return handleMessagesPost(ctx, { version, number, body: req.body });
    });
    await app.register(mediaRoutes(ctx));
    await app.register(templateRoutes(ctx));
    await app.register(uploadRoutes(ctx));
    await app.register(smbAppDataRoutes(ctx));
    await app.register(numberAdminRoutes(ctx));
    await app.register(objectRoutes(ctx));
  };
}

/** Graph's answer for an id it does not know on this method (code 100, subcode 33). */
export function unknownNode(id: string, method: string): GraphError {
  return unknownObject(id, method);
}

function recordRequest(
  ctx: SandboxContext,
  req: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
): void {
  const seq = (ctx.requests.at(-1)?.seq ?? 0) + 1;
  let response: unknown = payload;
  if (typeof payload === 'string' && payload.length < 20_000) {
    try {
      response = JSON.parse(payload);
    } catch {
      response = payload;
    }
  } else if (typeof payload !== 'string') {
    response = '(binary)';
  }
  const isMultipart = String(req.headers['content-type'] ?? '').startsWith('multipart/');
  ctx.requests.push({
    seq,
    at: ctx.scheduler.now(),
    method: req.method,
    // Tokens may come as a query parameter, as Meta allows; the log is shown in the control page.
    url: req.url.replace(/([?&]access_token=)[^&]*/g, '$1REDACTED'),
    status: reply.statusCode,
    body: isMultipart ? '(multipart upload)' : withoutToken(req.body ?? null),
    response,
  });
  if (ctx.requests.length > 1000) ctx.requests.splice(0, ctx.requests.length - 1000);
}

function withoutToken(body: unknown): unknown {
  if (body && typeof body === 'object' && !Array.isArray(body) && 'access_token' in body) {
    return { ...body, access_token: 'REDACTED' };
  }
  return body;
}
