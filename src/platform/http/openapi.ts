import fastifySwagger from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from './api-schemas.ts';
import type { App } from './app-type.ts';

/** Where the document is served. */
export const OPENAPI_PATH = '/api/openapi.json';

export type OpenApiOptions = {
  /** The hub's version, written into `info.version`. */
  readonly version: string;
  /** Whether a route needs no credential (from the policy table), so its `security` is empty. */
  readonly isPublic: (method: string, url: string) => boolean;
};

const ZOpenApiDocument = z
  .looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.record(z.string(), z.unknown()) })
  .describe('An OpenAPI 3.1 document');

type TransformInput = Parameters<typeof jsonSchemaTransform>[0];

/**
 * Drops component schemas nothing refers to: the generator writes an input and an output variant of
 * every schema with an id (`User`, `UserInput`), while most are used one way only.
 */
function withoutUnusedComponents<T>(document: T): T {
  const doc = document as { components?: { schemas?: Record<string, unknown> } };
  const schemas = doc.components?.schemas;
  if (!schemas) return document;
  const used = new Set<string>();
  const visit = (value: unknown): void => {
    const text = JSON.stringify(value);
    for (const match of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      const name = match[1] as string;
      if (used.has(name)) continue;
      used.add(name);
      visit(schemas[name]);
    }
  };
  visit({ ...doc, components: { ...doc.components, schemas: {} } });
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
  return document;
}

/**
 * Generates the OpenAPI 3.1 document from the Zod schemas of every `/api` route and serves it,
 * without a credential, at `GET /api/openapi.json`. Call it before any route is registered: the
 * generator collects routes as they are added. Routes outside `/api` (Meta's webhook, the static
 * inbox, `/healthz`) are not part of the hub's API and stay out.
 */
export async function registerOpenApi(app: App, options: OpenApiOptions): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Coexist hub API',
        version: options.version,
        description:
          'The HTTP API of a Coexist hub. Errors are `{ error: { code, message, details? } }` with the codes of docs/errors.md.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token (`coexist token create`).' },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: '__Host-coexist_session',
            description:
              'The web session (`coexist_session` on a plain-http hub, docs/security.md); a state change also sends the `x-csrf-token` header.',
          },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: (input: TransformInput) => {
      const { url, route } = input as TransformInput & { route: { method: string | string[] } };
      if (!url.startsWith('/api/')) return { schema: { hide: true } as never, url };
      const out = jsonSchemaTransform(input);
      const method = Array.isArray(route.method) ? (route.method[0] ?? 'GET') : route.method;
      const tag = url.split('/')[2] ?? 'api';
      const schema = { ...(out.schema as Record<string, unknown>), tags: [tag] } as Record<string, unknown>;
      if (options.isPublic(method, url)) schema.security = [];
      return { schema: schema as never, url: out.url };
    },
    transformObject: (input) => withoutUnusedComponents(jsonSchemaTransformObject(input)),
  });

  app.get(
    OPENAPI_PATH,
    {
      schema: {
        summary: 'This document',
        response: { 200: ZOpenApiDocument, ...errorResponses },
      },
    },
    async () => app.swagger() as z.infer<typeof ZOpenApiDocument>,
  );
}
