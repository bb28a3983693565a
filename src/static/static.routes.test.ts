import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../platform/http/app-type.ts';
import { installErrorHandling } from '../platform/http/error-handler.ts';
import { staticRoutes } from './static.routes.ts';

async function appServing(distDir: string): Promise<App> {
  const app = Fastify().withTypeProvider<ZodTypeProvider>();
  installErrorHandling(app);
  app.get('/api/ping', async () => ({ pong: true }));
  await app.register(staticRoutes({ distDir }));
  await app.ready();
  return app;
}

describe('serving the web inbox', () => {
  let dir: string;
  let app: App;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coexist-web-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    app = await appServing(dir);
  });

  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / and for the app routes, so deep links work', async () => {
    for (const url of ['/', '/inbox', '/inbox/0191-abc', '/settings/tokens?x=1']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toContain('text/html');
      expect(res.body, url).toContain('<div id="root">');
    }
  });

  it('serves hashed assets with a long cache lifetime', async () => {
    const res = await app.inject({ url: '/assets/index-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('console.log(1)');
    expect(res.headers['cache-control']).toContain('immutable');
  });

  it('has index.html revalidated on every load, at / and on app routes', async () => {
    for (const url of ['/', '/inbox/0191-abc']) {
      expect((await app.inject({ url })).headers['cache-control'], url).toBe('no-cache');
    }
  });

  it('serves the files of a rebuild made while it runs (new hashed names), and the new index.html', async () => {
    writeFileSync(join(dir, 'assets', 'index-def456.js'), 'console.log(2)');
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><div id="root"></div><script src="/assets/index-def456.js">',
    );
    try {
      const asset = await app.inject({ url: '/assets/index-def456.js' });
      expect(asset.statusCode).toBe(200);
      expect(asset.body).toBe('console.log(2)');
      expect(asset.headers['cache-control']).toContain('immutable');
      expect((await app.inject({ url: '/inbox' })).body).toContain('index-def456.js');
    } finally {
      writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    }
  });

  it('answers 404 for a missing file, never the page, and refuses paths out of the build', async () => {
    for (const url of ['/assets/index-gone.js', '/favicon.ico']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).not.toContain('text/html');
    }
    for (const url of [
      '/assets/../../etc/passwd',
      '/assets/%2e%2e/%2e%2e/etc/hosts',
      '/a/..%2f..%2fetc/hosts',
    ]) {
      const res = await app.inject({ url });
      // Either refused, or the dot segments collapsed into an app route that gets the page.
      if (res.statusCode === 200) expect(res.body, url).toBe('<!doctype html><div id="root"></div>');
      else expect([403, 404], url).toContain(res.statusCode);
      expect(res.body, url).not.toMatch(/root:|localhost/);
    }
  });

  it('leaves /api and /webhooks to the API: unknown paths there are JSON 404s, known routes still answer', async () => {
    expect((await app.inject({ url: '/api/ping' })).json()).toEqual({ pong: true });
    for (const url of ['/api/nope', '/api', '/webhooks/unknown']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code, url).toBe('ROUTE_NOT_FOUND');
    }
  });

  it('serves nothing, and still starts, when the inbox has not been built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'coexist-web-empty-'));
    const bare = await appServing(join(empty, 'dist'));
    try {
      const res = await bare.inject({ url: '/' });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('ROUTE_NOT_FOUND');
      expect((await bare.inject({ url: '/api/ping' })).statusCode).toBe(200);
    } finally {
      await bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
