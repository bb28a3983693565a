import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../app-deps.ts';
import { costsRoutes } from '../costs/costs.routes.ts';
import { onboardingRoutes } from '../numbers/onboarding.routes.ts';
import { templatesRoutes } from '../templates/templates.routes.ts';
import { alertsRoutes } from './alerts.routes.ts';
import { mediaRoutes } from './media.routes.ts';
import { outboundMessagesRoutes } from './messages.routes.ts';

/** Every route of the outbound part: messages, alerts, costs, templates, number onboarding. */
export function outboundPlugin(deps: AppDeps): FastifyPluginAsync {
  return async (app) => {
    await app.register(outboundMessagesRoutes(deps));
    await app.register(alertsRoutes(deps));
    await app.register(mediaRoutes(deps));
    await app.register(costsRoutes(deps));
    await app.register(templatesRoutes(deps));
    await app.register(onboardingRoutes(deps));
  };
}
