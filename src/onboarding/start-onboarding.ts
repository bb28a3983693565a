import type { AppDeps } from '../app-deps.ts';
import type { Principal } from '../auth/principal.ts';
import { AppError } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import { checkEligibility, type EligibilityAnswers, type EligibilityReport } from './eligibility.ts';

/** What the browser needs to open Embedded Signup (Facebook Login for Business), Meta's or the sandbox's. */
export type SignupLaunch = {
  readonly app_id: string;
  readonly config_id: string;
  readonly graph_version: string;
  /** The Facebook JavaScript SDK (Meta's, or the sandbox's stand-in). */
  readonly sdk_url: string;
  /** Origins a `WA_EMBEDDED_SIGNUP` message may come from; any other is ignored. */
  readonly message_origins: string[];
  /** `FB.login` options: a code, for the Business App onboarding feature (cloud-api.md §2.5). */
  readonly login_options: {
    readonly config_id: string;
    readonly response_type: 'code';
    readonly override_default_response_type: true;
    readonly extras: Record<string, unknown>;
  };
};

/** Whether this hub can run Embedded Signup, and with what (null when `META_APP_ID` or the configuration id is unset). */
export function signupLaunch(config: AppDeps['config']): SignupLaunch | null {
  const { metaAppId, metaSignupConfigId } = config;
  if (!metaAppId || !metaSignupConfigId) return null;
  return {
    app_id: metaAppId,
    config_id: metaSignupConfigId,
    graph_version: config.metaGraphVersion,
    sdk_url: config.metaSignupSdkUrl,
    message_origins: [...config.metaSignupOrigins],
    login_options: {
      config_id: metaSignupConfigId,
      response_type: 'code',
      override_default_response_type: true,
      // v4 names the feature in `features`; v2's `featureType` is kept for the same meaning.
      extras: {
        version: 'v4',
        setup: {},
        featureType: 'whatsapp_business_app_onboarding',
        features: [{ name: 'whatsapp_business_app_onboarding' }],
        sessionInfoVersion: '3',
      },
    },
  };
}

/** The eligibility report for the answers, with this hub's list of unsupported country codes. */
export function eligibilityFor(deps: AppDeps, answers: EligibilityAnswers): EligibilityReport {
  return checkEligibility(answers, deps.config.coexUnsupportedCallingCodes);
}

/**
 * Starts an onboarding: checks eligibility again (a blocked item refuses with the report), then
 * files the session the popup's result will be completed against. Its id is the OAuth `state`.
 */
export async function startOnboarding(
  deps: AppDeps,
  input: { principal: Principal; answers: EligibilityAnswers },
): Promise<{ id: string; eligibility: EligibilityReport; launch: SignupLaunch }> {
  const launch = signupLaunch(deps.config);
  if (!launch) throw new AppError('ONBOARDING_NOT_CONFIGURED');
  const eligibility = eligibilityFor(deps, input.answers);
  if (!eligibility.eligible) {
    throw new AppError('VALIDATION_FAILED', 'This number is not eligible for coexistence yet.', eligibility);
  }
  const id = newId();
  const now = deps.clock.now();
  await deps.database.db
    .insertInto('onboarding_sessions')
    .values({
      id,
      state: 'signup',
      eligibility_json: JSON.stringify(eligibility),
      waba_id: null,
      phone_number_id: null,
      steps_json: '[]',
      error_json: null,
      created_by: input.principal.userId ?? input.principal.id,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { id, eligibility, launch };
}
