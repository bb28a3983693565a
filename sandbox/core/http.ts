import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { GraphError, unknownPath } from '../graph/errors.ts';

/** Error body in Meta's shape for anything that was not a GraphError (bad JSON, body too large …). */
function toGraphError(error: unknown): GraphError {
  if (error instanceof GraphError) return error;
  const e = error as { statusCode?: number; code?: string; message?: string };
  if (
    e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
    (e.statusCode === 400 && /JSON/i.test(e.message ?? ''))
  ) {
    return new GraphError(100, {
      message: 'Invalid parameter',
      details: 'The request body could not be parsed as JSON.',
    });
  }
  if (e.statusCode === 413 || e.code === 'FST_REQ_FILE_TOO_LARGE') {
    return new GraphError(131053, { details: 'The uploaded file is too large.' });
  }
  if (e.statusCode === 415 || e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new GraphError(100, { details: 'Unsupported content type; send application/json.' });
  }
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return new GraphError(100, { details: e.message ?? 'Invalid request.' });
  }
  return new GraphError(1, {
    message: 'An unknown error occurred',
    details: 'Invalid request or possible server error.',
    http: 500,
  });
}

/** The Fastify instance with Meta's error shape for every failure and lenient body parsing. */
export async function createHttpServer(o: { logger: boolean }): Promise<FastifyInstance> {
  // Graph accepts `/v23.0/{id}/messages/` as `/v23.0/{id}/messages`.
  const app = Fastify({
    logger: o.logger,
    bodyLimit: 100 * 1024 * 1024,
    forceCloseConnections: true,
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of new URLSearchParams(String(body))) {
      try {
        out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
      } catch {
        out[k] = v;
      }
    }
    done(null, out);
  });
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(String(body)));
    } catch {
      done(null, String(body));
    }
  });
  await app.register(multipart, { limits: { fileSize: 100 * 1024 * 1024, files: 1 } });
  app.setErrorHandler((error, _req, reply) => {
    const g = toGraphError(error);
    if (g.code === 1) app.log.error(error);
    // Graph names OAuth failures in this header too.
    if (g.code === 190 || g.code === 104)
      void reply.header('www-authenticate', `OAuth "Facebook Platform" "invalid_token" "${g.message}"`);
    void reply.code(g.http).type('application/json').send(g.toBody());
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(400).send(unknownPath(req.url).toBody());
  });
  return app;
}
