import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from './app-deps.ts';
import { accountsPlugin } from './auth/accounts.plugin.ts';
import { contactsRoutes } from './contacts/contacts.routes.ts';
import { conversationsRoutes } from './conversations/conversations.routes.ts';
import { failuresRoutes } from './failures/failures.routes.ts';
import { numbersRoutes } from './numbers/numbers.routes.ts';
import { outboundPlugin } from './outbound/outbound.plugin.ts';
import { installErrorHandling } from './platform/http/error-handler.ts';
import { eventsRoutes } from './realtime/events.routes.ts';
import { webRoutes } from './web/web.routes.ts';
import { webhookRoutes } from './meta-webhooks/webhook.endpoint.ts';

/** The hub's Fastify instance, typed for Zod route schemas. */
export type App = FastifyInstance<
  Server,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** Webhook bodies can carry history chunks of several MB; Meta caps a POST at 3 MB, we allow more. */
const BODY_LIMIT = 10 * 1024 * 1024;

/**
 * Builds the hub's HTTP server without listening. `main` listens; tests call `inject()`.
 * Each feature registers its routes here.
 */
export async function buildApp(deps: AppDeps): Promise<App> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: deps.config.trustProxy,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);

  app.get('/healthz', async () => ({ ok: true }));
  await app.register(webhookRoutes(deps));
  await app.register(accountsPlugin(deps));
  await app.register(numbersRoutes(deps));
  await app.register(contactsRoutes(deps));
  await app.register(conversationsRoutes(deps));
  await app.register(eventsRoutes(deps));
  await app.register(failuresRoutes(deps));
  await app.register(outboundPlugin(deps));

  await app.register(webRoutes());
  return app;
}
