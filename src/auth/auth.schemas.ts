import { z } from 'zod';
import { ZLanguage, ZRole, ZUser } from '../users/users.schemas.ts';
import { MIN_PASSWORD_LENGTH } from './passwords.ts';
import { capabilities } from './policy.ts';

/** The API contract of signing in, one's own account and MFA. */

export const ZLoginRequest = z.object({
  email: z.string().min(1).max(320),
  password: z.string().min(1).max(1024),
  code: z.string().max(16).optional(),
  recovery_code: z.string().max(64).optional(),
});

/** What the caller may do, from the policy table (`auth/policy.ts`); the web app reads only this. */
export const ZCapabilities = z
  .object(
    Object.fromEntries(Object.keys(capabilities).map((name) => [name, z.boolean()])) as Record<
      keyof typeof capabilities,
      z.ZodBoolean
    >,
  )
  .meta({ id: 'Capabilities' });

/** An organisation the caller belongs to, with their role there (`organisations/`). */
export const ZOrganisationMembership = z
  .object({
    id: z.string(),
    name: z.string(),
    role: ZRole.describe("The caller's role in this organisation"),
  })
  .meta({ id: 'OrganisationMembership' });

/** A signed-in user's session, from `GET /api/me` and a successful login. */
export const ZSessionResponse = z.object({
  /** The organisation the session acts in: `user.role` and every business account are this one's. */
  organisation: ZOrganisationMembership,
  /** Every organisation the user may switch to (`POST /api/me/organisation`). */
  organisations: z.array(ZOrganisationMembership),
  /** The provider administrator: creates organisations and invites their owners. */
  provider_admin: z.boolean(),
  user: ZUser,
  mfa_required: z.boolean(),
  /** The role requires MFA and the user has none yet: only enrolment is possible until it is done. */
  mfa_enrolment_required: z.boolean(),
  /** Unused recovery codes; 0 while MFA is off. */
  recovery_codes_remaining: z.number().int(),
  /** The value to echo in `x-csrf-token` on state changes; `null` for a bearer token. */
  csrf_token: z.string().nullable(),
  can: ZCapabilities,
});

/** `GET /api/me` for an API token that belongs to no user. */
export const ZTokenSelfResponse = z.object({
  token: z.object({
    id: z.string(),
    role: ZRole,
    waba_ids: z.array(z.string()).nullable(),
    organisation_id: z.string().nullable(),
  }),
  user: z.null(),
  can: ZCapabilities,
});

export const ZMeResponse = z.union([ZSessionResponse, ZTokenSelfResponse]);

/** `POST /api/me/organisation`: the organisation the session acts in from now on. */
export const ZSwitchOrganisationRequest = z.object({ organisation_id: z.string().min(1).max(100) });

export const ZSetPresenceRequest = z.object({ status: z.enum(['online', 'away', 'offline']) });
/** `PATCH /api/me`: the caller's own preferences. */
export const ZUpdateMeRequest = z.object({
  language: ZLanguage.nullable().describe('`null` = follow the browser'),
});

export const ZSetPresenceResponse = z.object({ presence: z.enum(['online', 'away', 'offline']) });

export const ZChangePasswordRequest = z.object({
  current_password: z.string().min(1).max(1024),
  new_password: z.string().min(MIN_PASSWORD_LENGTH).max(1024),
});

export const ZMfaEnrolmentResponse = z.object({
  secret: z.string(),
  otpauth_url: z.string(),
  qr_data_url: z.string().describe('A PNG data URL of the QR code'),
});

export const ZMfaCodeRequest = z.object({ code: z.string().min(1).max(16) });
export const ZRecoveryCodesResponse = z.object({ recovery_codes: z.array(z.string()) });

export const ZDisableMfaRequest = z.object({
  password: z.string().min(1).max(1024),
  code: z.string().min(1).max(16),
});

export type Capabilities = z.infer<typeof ZCapabilities>;
export type SessionResponse = z.infer<typeof ZSessionResponse>;
export type MeResponse = z.infer<typeof ZMeResponse>;
export type LoginRequest = z.infer<typeof ZLoginRequest>;
export type MfaEnrolmentResponse = z.infer<typeof ZMfaEnrolmentResponse>;
