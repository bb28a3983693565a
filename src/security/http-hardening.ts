import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyServerOptions, RouteOptions } from 'fastify';
import type { Config } from '../platform/config.ts';

/** Anything nobody has authenticated for (login, health, unknown paths, the web app): small. */
export const PUBLIC_BODY_LIMIT = 64 * 1024;
/**
 * Meta's webhooks: Meta caps a POST at 3 MB and history chunks come close; the margin follows
 * cloud-api.md's advice, so no chunk is refused. The signature can only be checked on the whole body.
 */
export const WEBHOOK_BODY_LIMIT = 10 * 1024 * 1024;
/** An authenticated `/api` route: its body is read only after the guard's `onRequest` let it through. */
export const API_BODY_LIMIT = 10 * 1024 * 1024;

const WEBHOOK_PATH = /^\/webhooks(\/|$)/;

/** The server options that bound what a client can make the hub hold: body sizes and timeouts. */
export function serverLimits(config: Pick<Config, 'requestTimeoutMs' | 'connectionTimeoutMs'>): Pick<
  FastifyServerOptions,
  'bodyLimit' | 'requestTimeout' | 'connectionTimeout'
> & {
  http: { connectionsCheckingInterval: number };
} {
  return {
    bodyLimit: PUBLIC_BODY_LIMIT,
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.connectionTimeoutMs,
    // Node checks requestTimeout only this often (30 s by default).
    http: {
      connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(config.requestTimeoutMs / 4))),
    },
  };
}

/** Whether a route needs no credential (auth/authenticate.ts `isPublicRoute`, passed in by app.ts). */
export type IsPublicRoute = (method: string, path: string) => boolean;

/** The body limit a route gets unless it set its own: see the constants above. */
export function bodyLimitFor(
  route: Pick<RouteOptions, 'url' | 'method'>,
  isPublicRoute: IsPublicRoute,
): number {
  if (WEBHOOK_PATH.test(route.url)) return WEBHOOK_BODY_LIMIT;
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const authenticated =
    route.url.startsWith('/api/') && methods.every((m) => !isPublicRoute(String(m), route.url));
  return authenticated ? API_BODY_LIMIT : PUBLIC_BODY_LIMIT;
}

/**
 * The Content-Security-Policy of every response. The built web app (Vite: hashed module scripts
 * from `/assets`; Mantine: a `<style>` element and `style` attributes) needs `'self'` scripts and
 * inline styles; QR codes are `data:` images, downloads `blob:` URLs; the event stream and the API
 * are same-origin. Nothing may frame the hub, embed plugins, or post forms elsewhere.
 */
export function contentSecurityPolicy(
  https: boolean,
  extra: { scriptOrigins?: readonly string[]; frameOrigins?: readonly string[] } = {},
): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'base-uri': ["'self'"],
    // Embedded Signup's Facebook SDK (Meta's, or the sandbox's stand-in), when it is configured.
    'script-src': ["'self'", ...(extra.scriptOrigins ?? [])],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'media-src': ["'self'", 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'worker-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    // Meta's SDK talks to facebook.com through a hidden frame; nothing else may be framed.
    'frame-src': extra.frameOrigins?.length ? [...extra.frameOrigins] : ["'none'"],
    'frame-ancestors': ["'none'"],
    'form-action': ["'self'"],
    ...(https ? { 'upgrade-insecure-requests': [] } : {}),
  };
}

/**
 * Installs the hub's HTTP hardening on the root instance, before any route: per-route body limits
 * (an `onRoute` hook, so every plugin's routes get one) and the browser security headers of
 * `@fastify/helmet` on every response (HSTS only when the public URL is https).
 */
export async function installHttpHardening(
  app: FastifyInstance,
  input: {
    config: Pick<
      Config,
      'publicUrl' | 'metaAppId' | 'metaSignupConfigId' | 'metaSignupSdkUrl' | 'metaSignupOrigins'
    >;
    isPublicRoute: IsPublicRoute;
  },
): Promise<void> {
  const { config } = input;
  app.addHook('onRoute', (route) => {
    if (route.bodyLimit === undefined) route.bodyLimit = bodyLimitFor(route, input.isPublicRoute);
  });
  const https = config.publicUrl?.startsWith('https:') ?? false;
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: contentSecurityPolicy(
        https,
        config.metaAppId && config.metaSignupConfigId
          ? {
              scriptOrigins: [new URL(config.metaSignupSdkUrl).origin],
              frameOrigins: config.metaSignupOrigins,
            }
          : {},
      ),
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    hsts: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
    // Embedded Signup opens Meta's login in a popup that must be able to answer.
    crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
}
