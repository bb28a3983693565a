import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/** Where `npm run build:web` writes the inbox. */
export const defaultWebDist = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Paths that belong to the API or to Meta, never to the single-page app. */
const NOT_APP = /^\/(api|webhooks)(\/|$|\?)/;

/** A path whose last segment has an extension names a file (`/assets/index-3f9a.js`, `/favicon.svg`). */
const FILE = /\/[^/]*\.[A-Za-z0-9]+$/;

export type StaticRoutesOptions = { distDir?: string };

/**
 * Serves the built web inbox at `/`: files are looked up in `distDir` at each request, not listed
 * at start-up, so a rebuild while the hub runs (new hashed names) is served at once. Hashed assets
 * are cached for a year, `index.html` is revalidated on every load; every path that is not a file,
 * `/api` or `/webhooks` gets `index.html` (the app routes in the browser), and a missing file is a
 * 404, never the page. When the inbox has not been built, nothing is registered and the API works
 * alone.
 */
export function staticRoutes(options: StaticRoutesOptions = {}): FastifyPluginAsync {
  const distDir = options.distDir ?? defaultWebDist;
  return async (app) => {
    if (!existsSync(`${distDir}/index.html`)) {
      app.log.warn({ distDir }, 'web inbox not built; run `npm run build:web` to serve it at /');
      return;
    }
    // serve: false: only `reply.sendFile`, which resolves each path in `root` when asked (and
    // refuses `..` and other non-canonical paths); the one route below decides file or page.
    await app.register(fastifyStatic, {
      root: distDir,
      serve: false,
      setHeaders(reply, filePath) {
        reply.header(
          'cache-control',
          filePath.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
    app.get('/*', async (request, reply) => {
      if (NOT_APP.test(request.url)) return reply.callNotFound();
      const pathname = request.url.split('?', 1)[0] ?? '/';
      return reply.sendFile(FILE.test(pathname) ? pathname : 'index.html');
    });
  };
}
