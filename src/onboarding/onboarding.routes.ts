import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { ZGraphIdParams } from '../graph/graph-ids.ts';
import { ZSyncRequestResponse } from '../numbers/numbers.schemas.ts';
import { resolveUnknownSync } from '../numbers/request-sync.ts';
import { errorResponses } from '../platform/http/api-schemas.ts';
import { completeSignup } from './complete-signup.ts';
import { disconnectNumber } from './disconnect-number.ts';
import { MIN_APP_VERSION, MIN_DAYS_IN_USE } from './eligibility.ts';
import {
  ZCompleteSignupRequest,
  ZDisconnectResult,
  ZEligibilityAnswers,
  ZEligibilityReport,
  ZOnboardingConfig,
  ZOnboardingView,
  ZResolveSyncRequest,
  ZSessionParams,
  ZStartedOnboarding,
  ZSyncStatusList,
  ZSyncTypeParams,
} from './onboarding.schemas.ts';
import { getOnboarding } from './onboarding-view.ts';
import { eligibilityFor, signupLaunch, startOnboarding } from './start-onboarding.ts';
import { syncStatusOf } from './sync-status.ts';

const answersOf = (b: {
  phone_number: string;
  app_version: string;
  days_in_use: number;
  facebook_page_linked: boolean;
}) => ({
  phoneNumber: b.phone_number,
  appVersion: b.app_version,
  daysInUse: b.days_in_use,
  facebookPageLinked: b.facebook_page_linked,
});

/**
 * Onboarding a WhatsApp Business app number (`docs/onboarding.md`): the eligibility check, the
 * Embedded Signup session and its completion, each number's sync state machine (with the manual
 * resolution of an unknown outcome) and disconnecting. Under `/api/numbers`: writes are the
 * `numbers.write` family (owners and admins).
 */
export function onboardingWizardRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/numbers/onboarding/config',
      { schema: { response: { 200: ZOnboardingConfig, ...errorResponses } } },
      async () => ({
        configured: signupLaunch(deps.config) !== null,
        min_app_version: MIN_APP_VERSION,
        min_days_in_use: MIN_DAYS_IN_USE,
        unsupported_calling_codes: [...deps.config.coexUnsupportedCallingCodes],
      }),
    );

    app.post(
      '/api/numbers/onboarding/eligibility',
      { schema: { body: ZEligibilityAnswers, response: { 200: ZEligibilityReport, ...errorResponses } } },
      async (request) => eligibilityFor(deps, answersOf(request.body)),
    );

    app.post(
      '/api/numbers/onboarding',
      { schema: { body: ZEligibilityAnswers, response: { 201: ZStartedOnboarding, ...errorResponses } } },
      async (request, reply) =>
        reply.code(201).send(
          await startOnboarding(deps, {
            principal: principalOf(request),
            answers: answersOf(request.body),
          }),
        ),
    );

    app.get(
      '/api/numbers/onboarding/:sessionId',
      { schema: { params: ZSessionParams, response: { 200: ZOnboardingView, ...errorResponses } } },
      async (request) =>
        getOnboarding(deps, { principal: principalOf(request), sessionId: request.params.sessionId }),
    );

    app.post(
      '/api/numbers/onboarding/:sessionId/complete',
      {
        schema: {
          params: ZSessionParams,
          body: ZCompleteSignupRequest,
          response: { 200: ZOnboardingView, ...errorResponses },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        await completeSignup(deps, {
          principal,
          sessionId: request.params.sessionId,
          code: request.body.code,
          wabaId: request.body.waba_id,
          phoneNumberId: request.body.phone_number_id,
        });
        return getOnboarding(deps, { principal, sessionId: request.params.sessionId });
      },
    );

    app.get(
      '/api/numbers/:id/syncs',
      { schema: { params: ZGraphIdParams, response: { 200: ZSyncStatusList, ...errorResponses } } },
      async (request) => ({
        data: await syncStatusOf(deps, { principal: principalOf(request), phoneNumberId: request.params.id }),
      }),
    );

    app.post(
      '/api/numbers/:id/syncs/:syncType/resolve',
      {
        schema: {
          params: ZSyncTypeParams,
          body: ZResolveSyncRequest,
          response: { 200: ZSyncRequestResponse, ...errorResponses },
        },
      },
      async (request) =>
        resolveUnknownSync(deps, {
          principal: principalOf(request),
          phoneNumberId: request.params.id,
          syncType: request.params.syncType,
          resolution: request.body.resolution,
          note: request.body.note,
        }),
    );

    app.post(
      '/api/numbers/:id/disconnect',
      { schema: { params: ZGraphIdParams, response: { 200: ZDisconnectResult, ...errorResponses } } },
      async (request) =>
        disconnectNumber(deps, { principal: principalOf(request), phoneNumberId: request.params.id }),
    );
  };
}
