import { readFileSync } from 'node:fs';
import Fastify, { type FastifyBaseLogger, LogController, type RouteOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { numberSettingsRoutes } from './analytics/number-settings.routes.ts';
import { reportsRoutes } from './analytics/reports.routes.ts';
import type { AppDeps } from './app-deps.ts';
import { archiveRoutes } from './archive/archive.routes.ts';
import { audiencesRoutes } from './audiences/audiences.routes.ts';
import { accountsGuard } from './auth/accounts-guard.ts';
import { authRoutes } from './auth/auth.routes.ts';
import { isPublicRoute } from './auth/authenticate.ts';
import { tokenRateLimit } from './auth/token-rate-limit.ts';
import { tokensRoutes } from './auth/tokens.routes.ts';
import { automationRoutes } from './automation/automation.routes.ts';
import { flowsRoutes } from './automation/flows/flows.routes.ts';
import { campaignsRoutes } from './campaigns/campaigns.routes.ts';
import { consentRoutes } from './consent/consent.routes.ts';
import { hostedPageRoutes } from './consent/hosted-page.routes.ts';
import { contactsRoutes } from './contacts/contacts.routes.ts';
import { conversationsRoutes } from './conversations/conversations.routes.ts';
import { costsRoutes } from './costs/costs.routes.ts';
import { csatRoutes } from './csat/csat.routes.ts';
import { failuresRoutes } from './failures/failures.routes.ts';
import { cannedRepliesRoutes } from './inbox/canned-replies.routes.ts';
import { contactAttributesRoutes } from './inbox/contact-attributes.routes.ts';
import { conversationActionsRoutes } from './inbox/conversation-actions.routes.ts';
import { labelsRoutes } from './inbox/labels.routes.ts';
import { mentionsRoutes } from './inbox/mentions.routes.ts';
import { messageActionsRoutes } from './inbox/message-actions.routes.ts';
import { notesRoutes } from './inbox/notes.routes.ts';
import { conversationReadRoutes } from './inbox/read.routes.ts';
import { snoozeRoutes } from './inbox/snooze.routes.ts';
import { supervisorRoutes } from './inbox/supervisor.routes.ts';
import { outboundWebhooksRoutes } from './integrations/outbound-webhooks/outbound-webhooks.routes.ts';
import { backgroundFailuresRoutes } from './maintenance/background-failures.routes.ts';
import { webhookRoutes } from './meta-webhooks/webhook.endpoint.ts';
import { metricsRoutes } from './metrics/metrics.routes.ts';
import { numbersRoutes } from './numbers/numbers.routes.ts';
import { onboardingRoutes } from './numbers/onboarding.routes.ts';
import { onboardingWizardRoutes } from './onboarding/onboarding.routes.ts';
import { organisationsRoutes } from './organisations/organisations.routes.ts';
import { alertsRoutes } from './outbound/alerts.routes.ts';
import { mediaRoutes } from './outbound/media.routes.ts';
import { outboundMessagesRoutes } from './outbound/messages.routes.ts';
import { unknownSendsRoutes } from './outbound/unknown-sends.routes.ts';
import type { App } from './platform/http/app-type.ts';
import { installErrorHandling } from './platform/http/error-handler.ts';
import { healthRoutes } from './platform/http/health.routes.ts';
import { registerOpenApi } from './platform/http/openapi.ts';
import { eventsRoutes } from './realtime/events.routes.ts';
import { routingRoutes } from './routing/routing.routes.ts';
import { searchRoutes } from './search/search.routes.ts';
import { installHttpHardening, serverLimits } from './security/http-hardening.ts';
import { securityLogRoutes } from './security/security-log.routes.ts';
import { settingsRoutes } from './settings/settings.routes.ts';
import { staticRoutes } from './static/static.routes.ts';
import { syncHealthRoutes } from './sync-health/sync-health.routes.ts';
import { teamsRoutes } from './teams/teams.routes.ts';
import { templatesRoutes } from './templates/templates.routes.ts';
import { usersRoutes } from './users/users.routes.ts';

export type BuildAppOptions = {
  /** Called for every route as it is registered (the OpenAPI test lists the routes with it). */
  readonly onRoute?: (route: RouteOptions) => void;
};

const HUB_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * Builds the hub's HTTP server without listening. `main` listens; tests call `inject()`.
 * Every route plugin of every feature is registered here, so this file is the map of the API.
 */
export async function buildApp(deps: AppDeps, options: BuildAppOptions = {}): Promise<App> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Body limits per route (small before authentication) and timeouts: security/http-hardening.ts.
    ...serverLimits(deps.config),
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: deps.config.trustProxy,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  await installHttpHardening(app, { config: deps.config, isPublicRoute });
  if (options.onRoute) app.addHook('onRoute', options.onRoute);

  await app.register(healthRoutes(deps));
  await app.register(metricsRoutes(deps));
  await app.register(webhookRoutes(deps));
  // The hosted opt-in page: public, outside /api, embeddable (consent/hosted-page.routes.ts).
  await app.register(hostedPageRoutes(deps));

  // The API: the OpenAPI generator must see every route, and the guard (authentication and the
  // policy table of auth/policy.ts) must cover them all, so both come first.
  await registerOpenApi(app, { version: HUB_VERSION, isPublic: isPublicRoute });
  await app.register(accountsGuard(deps));
  await app.register(tokenRateLimit());
  for (const routes of [
    // accounts: sign-in and one's own account, API tokens, users, teams, settings, organisations
    authRoutes,
    tokensRoutes,
    usersRoutes,
    organisationsRoutes,
    securityLogRoutes,
    teamsRoutes,
    settingsRoutes,
    // what the hub knows: numbers, contacts, conversations and their messages, live events, failures
    numbersRoutes,
    contactsRoutes,
    conversationsRoutes,
    eventsRoutes,
    failuresRoutes,
    backgroundFailuresRoutes,
    // the inbox: operators' actions on conversations and contacts
    conversationActionsRoutes,
    conversationReadRoutes,
    notesRoutes,
    snoozeRoutes,
    mentionsRoutes,
    messageActionsRoutes,
    labelsRoutes,
    cannedRepliesRoutes,
    contactAttributesRoutes,
    supervisorRoutes,
    flowsRoutes,
    // automation and routing: rules, control of a conversation, business hours, VIPs, policies
    automationRoutes,
    routingRoutes,
    searchRoutes,
    // sending: messages, media, alerts, costs, templates, number onboarding
    outboundMessagesRoutes,
    unknownSendsRoutes,
    mediaRoutes,
    alertsRoutes,
    costsRoutes,
    templatesRoutes,
    campaignsRoutes,
    // consent ledger, keywords settings and export; segments and contact imports
    consentRoutes,
    audiencesRoutes,
    onboardingRoutes,
    onboardingWizardRoutes,
    // the compliance archive
    archiveRoutes,
    outboundWebhooksRoutes,
    // sync health per number
    syncHealthRoutes,
    // analytics: reports, report settings and SLA breaches
    reportsRoutes,
    numberSettingsRoutes,
    csatRoutes,
  ]) {
    await app.register(routes(deps));
  }

  await app.register(staticRoutes());
  return app;
}
