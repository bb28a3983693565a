import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/** Where `npm run build:web` writes the inbox. */
export const defaultWebDist = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Paths that belong to the API or to Meta, never to the single-page app. */
const NOT_APP = /^\/(api|webhooks)(\/|$|\?)/;

export type StaticRoutesOptions = { distDir?: string };

/**
 * Serves the built web inbox at `/`: hashed assets cached for a year, `index.html` for every other
 * path that is not `/api` or `/webhooks` (the app routes in the browser). When the inbox has not
 * been built, nothing is registered and the API works alone.
 */
export function staticRoutes(options: StaticRoutesOptions = {}): FastifyPluginAsync {
  const distDir = options.distDir ?? defaultWebDist;
  return async (app) => {
    if (!existsSync(`${distDir}/index.html`)) {
      app.log.warn({ distDir }, 'web inbox not built; run `npm run build:web` to serve it at /');
      return;
    }
    await app.register(fastifyStatic, {
      root: distDir,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
      setHeaders(reply, filePath) {
        reply.header(
          'cache-control',
          filePath.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
    app.get('/*', async (request, reply) => {
      if (NOT_APP.test(request.url)) return reply.callNotFound();
      return reply.sendFile('index.html');
    });
  };
}
