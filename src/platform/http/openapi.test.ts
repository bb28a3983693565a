import { Validator } from '@seriousme/openapi-schema-validator';
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { type AccountsFixture, startAccountsApp } from '../../testing/accounts.ts';
import { testDialects } from '../../testing/databases.ts';
import type { App } from './app-type.ts';
import { OPENAPI_PATH } from './openapi.ts';

type Operation = { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

/** `/api/conversations/:id` as OpenAPI writes it: `/api/conversations/{id}`. */
const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z_]\w*)/g, '{$1}');

describe.each(testDialects)('the OpenAPI document on %s', (dialect) => {
  let fx: AccountsFixture;
  let app: App;
  const routes: { method: string; url: string }[] = [];
  let document: Document;

  beforeAll(async () => {
    fx = await startAccountsApp(dialect);
    // A second app on the same dependencies, listing every route as Fastify registers it.
    app = await buildApp(fx.deps, {
      onRoute: (route: RouteOptions) => {
        for (const method of [route.method].flat()) routes.push({ method, url: route.url });
      },
    });
    await app.ready();
    const res = await app.inject({ method: 'GET', url: OPENAPI_PATH });
    expect(res.statusCode).toBe(200);
    document = res.json();
  });
  afterAll(async () => {
    await app?.close();
    await fx?.close();
  });

  it('is served without a credential', async () => {
    const res = await fx.app.inject({ method: 'GET', url: OPENAPI_PATH });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(document.openapi).toBe('3.1.0');
  });

  it('lists every /api route with a success and an error response schema', () => {
    const apiRoutes = routes.filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD');
    expect(apiRoutes.length).toBeGreaterThan(50);
    const problems: string[] = [];
    for (const { method, url } of apiRoutes) {
      const operation = document.paths[toOpenApiPath(url)]?.[method.toLowerCase()];
      if (!operation) {
        problems.push(`${method} ${url}: not in the document`);
        continue;
      }
      const responses = Object.entries(operation.responses ?? {});
      const success = responses.filter(([code]) => /^2/.test(code));
      const described = success.every(([code, r]) => code === '204' || r.content !== undefined);
      if (success.length === 0 || !described) problems.push(`${method} ${url}: no success response schema`);
      if (!responses.some(([code]) => /^4/.test(code))) problems.push(`${method} ${url}: no error response`);
    }
    expect(problems).toEqual([]);
  });

  it('leaves out what is not the hub API', () => {
    expect(Object.keys(document.paths).filter((p) => !p.startsWith('/api/'))).toEqual([]);
  });

  it('documents the error body once, as a component', () => {
    const doc = document as Document & { components?: { schemas?: Record<string, unknown> } };
    expect(doc.components?.schemas?.Error).toMatchObject({
      type: 'object',
      required: ['error'],
    });
  });
});
