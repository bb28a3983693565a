import { z } from 'zod';
import { ZGraphId } from '../graph/graph-ids.ts';

/** The API contract of onboarding a WhatsApp Business app number (`docs/onboarding.md`). */

export const ZEligibilityAnswers = z.object({
  phone_number: z.string().min(4).max(32),
  app_version: z.string().max(32),
  days_in_use: z.number().int().min(0).max(100_000),
  facebook_page_linked: z.boolean(),
});

const ZEligibilityItem = z.object({
  id: z.enum(['country', 'app_version', 'days_in_use', 'facebook_page']),
  status: z.enum(['ok', 'blocked', 'warning']),
  source: z.enum(['checked', 'asked']),
  reason: z.string(),
  fix: z.string().nullable(),
});

export const ZEligibilityReport = z.object({
  eligible: z.boolean(),
  phoneDigits: z.string(),
  items: z.array(ZEligibilityItem),
});

export const ZSignupLaunch = z.object({
  app_id: z.string(),
  config_id: z.string(),
  graph_version: z.string(),
  sdk_url: z.string(),
  message_origins: z.array(z.string()),
  login_options: z.object({
    config_id: z.string(),
    response_type: z.literal('code'),
    override_default_response_type: z.literal(true),
    extras: z.record(z.string(), z.unknown()),
  }),
});

export const ZOnboardingConfig = z.object({
  configured: z.boolean(),
  min_app_version: z.string(),
  min_days_in_use: z.number(),
  unsupported_calling_codes: z.array(z.string()),
});

export const ZStartedOnboarding = z.object({
  id: z.string(),
  eligibility: ZEligibilityReport,
  launch: ZSignupLaunch,
});

export const ZCompleteSignupRequest = z.object({
  code: z.string().min(1).max(2048),
  waba_id: ZGraphId,
  phone_number_id: ZGraphId.optional(),
});

export const ZSessionParams = z.object({ sessionId: z.uuid() });

const ZStep = z.object({
  step: z.string(),
  status: z.enum(['done', 'failed']),
  at: z.number(),
  detail: z.string(),
  error: z.object({ code: z.union([z.number(), z.string()]).nullable(), message: z.string() }).optional(),
});

export const ZSyncStatus = z.object({
  sync_type: z.enum(['smb_app_state_sync', 'history']),
  stage: z.enum([
    'not_requested',
    'requesting',
    'requested',
    'syncing',
    'complete',
    'declined',
    'unknown',
    'refused',
    'failed',
  ]),
  progress: z.number().nullable(),
  request_id: z.string().nullable(),
  requested_at: z.string().nullable(),
  deadline_at: z.string().nullable(),
  error: z.object({ code: z.number().nullable(), message: z.string() }).nullable(),
  what_to_do: z.string().nullable(),
  actions: z.array(z.enum(['request', 'mark_requested', 'retry'])),
});

export const ZSyncStatusList = z.object({ data: z.array(ZSyncStatus) });

export const ZOnboardingView = z.object({
  id: z.string(),
  state: z.enum(['eligibility', 'signup', 'connecting', 'connected', 'failed']),
  eligibility: ZEligibilityReport,
  waba_id: z.string().nullable(),
  phone_number_id: z.string().nullable(),
  steps: z.array(ZStep),
  error: z.unknown(),
  created_at: z.string(),
  number: z
    .object({
      display_phone_number: z.string(),
      verified_name: z.string().nullable(),
      connection_state: z.string(),
    })
    .nullable(),
  partner_added: z.boolean(),
  syncs: z.array(ZSyncStatus),
  contacts_received: z.number(),
  history_messages: z.number(),
  first_echo: z.object({ text: z.string().nullable(), at: z.string() }).nullable(),
});

export const ZResolveSyncRequest = z.object({
  resolution: z.enum(['requested', 'retry']),
  note: z.string().max(500).optional(),
});

export const ZSyncTypeParams = z.object({
  id: ZGraphId,
  syncType: z.enum(['smb_app_state_sync', 'history']),
});

export const ZDisconnectResult = z.object({
  phone_number_id: z.string(),
  connection_state: z.literal('disconnected'),
  unsubscribed: z.boolean(),
  unsubscribe_error: z.string().nullable(),
  token_forgotten: z.boolean(),
  data_kept: z.literal(true),
});

export type EligibilityReportResponse = z.infer<typeof ZEligibilityReport>;
export type OnboardingConfigResponse = z.infer<typeof ZOnboardingConfig>;
export type StartedOnboardingResponse = z.infer<typeof ZStartedOnboarding>;
export type OnboardingViewResponse = z.infer<typeof ZOnboardingView>;
export type SyncStatusResponse = z.infer<typeof ZSyncStatus>;
export type DisconnectResultResponse = z.infer<typeof ZDisconnectResult>;
