import { z } from 'zod';
import { MIN_PASSWORD_LENGTH } from '../auth/passwords.ts';
import { ZPage, ZTimestamp } from '../platform/http/api-schemas.ts';
import { ZRole } from '../users/users.schemas.ts';

/** The API contract of organisations, their members and invitations. */

/** An organisation as the API returns it. */
export const ZOrganisation = z
  .object({
    id: z.string(),
    name: z.string(),
    /** The caller's role in it; `null` when the provider administrator is not a member. */
    role: ZRole.nullable(),
    /** Whether the caller's session acts in it now. */
    current: z.boolean(),
    waba_ids: z.array(z.string()).describe('The business accounts it owns'),
    member_count: z.number().int(),
    created_at: ZTimestamp,
  })
  .meta({ id: 'Organisation' });

export const ZListOrganisationsResponse = ZPage(ZOrganisation);

export const ZCreateOrganisationRequest = z.object({
  name: z.string().trim().min(1).max(200),
  /** Invites this person as the organisation's first owner. */
  owner_email: z.email().max(320).optional(),
});

/** An invitation as the API returns it; the link's token only once, at creation. */
export const ZInvitation = z
  .object({
    id: z.string(),
    organisation_id: z.string(),
    email: z.string(),
    role: ZRole,
    state: z.enum(['pending', 'accepted', 'revoked', 'expired']),
    created_at: ZTimestamp,
    expires_at: ZTimestamp,
    accepted_at: ZTimestamp.nullable(),
  })
  .meta({ id: 'Invitation' });

export const ZCreatedInvitation = ZInvitation.extend({
  token: z.string().describe('The secret of the link, shown once'),
  url: z.string().describe('The link to send the invitee (the token is in its fragment)'),
});

export const ZCreateOrganisationResponse = z.object({
  organisation: ZOrganisation,
  invitation: ZCreatedInvitation.nullable(),
});

export const ZCreateInvitationRequest = z.object({
  email: z.email().max(320),
  role: ZRole.default('owner'),
});

export const ZListInvitationsResponse = ZPage(ZInvitation);

export const ZOrganisationParams = z.object({ id: z.string().min(1).max(100) });

/** The members of one organisation, for the provider administrator. */
export const ZOrganisationMember = z
  .object({
    user_id: z.string(),
    email: z.string(),
    name: z.string(),
    role: ZRole,
    disabled: z.boolean(),
  })
  .meta({ id: 'OrganisationMember' });

export const ZListOrganisationMembersResponse = ZPage(ZOrganisationMember);

export const ZInvitationTokenRequest = z.object({ token: z.string().min(10).max(200) });

/** What an invitation link says before it is accepted. */
export const ZInvitationLookupResponse = z.object({
  organisation_name: z.string(),
  email: z.string(),
  role: ZRole,
  expires_at: ZTimestamp,
  /** The email has an account already: accepting needs its password, and joins the organisation. */
  existing_account: z.boolean(),
});

export const ZAcceptInvitationRequest = z.object({
  token: z.string().min(10).max(200),
  /** For a new account. */
  name: z.string().trim().min(1).max(200).optional(),
  /** A new account's password, or the existing account's current one. */
  password: z.string().min(1).max(1024),
});

export const ZAcceptInvitationResponse = z.object({
  email: z.string(),
  organisation: z.object({ id: z.string(), name: z.string(), role: ZRole }),
  /** Sign in next (`POST /api/auth/login`); an owner or admin enrols a second factor there. */
  created_account: z.boolean(),
});

export { MIN_PASSWORD_LENGTH };

export type Organisation = z.infer<typeof ZOrganisation>;
export type Invitation = z.infer<typeof ZInvitation>;
export type CreatedInvitation = z.infer<typeof ZCreatedInvitation>;
export type OrganisationMember = z.infer<typeof ZOrganisationMember>;
export type InvitationLookup = z.infer<typeof ZInvitationLookupResponse>;
export type AcceptInvitationResponse = z.infer<typeof ZAcceptInvitationResponse>;
export type CreateOrganisationResponse = z.infer<typeof ZCreateOrganisationResponse>;
