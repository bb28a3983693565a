import type { Selectable } from 'kysely';
import type { Role } from '../auth/principal.ts';

/** A business hosted on the hub: it owns business accounts (`wabas.organisation_id`). */
export interface OrganisationTable {
  id: string;
  name: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

/** A user's membership of an organisation, with their role there. */
export interface OrganisationMemberTable {
  organisation_id: string;
  user_id: string;
  role: Role;
  created_at: number;
  updated_at: number;
}

/** An invitation link to join an organisation; only the SHA-256 of its token is kept. */
export interface OrganisationInvitationTable {
  id: string;
  organisation_id: string;
  /** Lower-cased. */
  email: string;
  role: Role;
  token_hash: string;
  created_by: string | null;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  accepted_user_id: string | null;
  revoked_at: number | null;
}

export type OrganisationRow = Selectable<OrganisationTable>;
export type OrganisationMemberRow = Selectable<OrganisationMemberTable>;
export type OrganisationInvitationRow = Selectable<OrganisationInvitationTable>;

export interface OrganisationTables {
  organisations: OrganisationTable;
  organisation_members: OrganisationMemberTable;
  organisation_invitations: OrganisationInvitationTable;
}
