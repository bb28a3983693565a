/*
 * The hub's REST API as the web app sees it: the types of the server's own Zod contract
 * (`src/<feature>/*.schemas.ts`), imported as types only so no server code reaches the bundle.
 * A field the server changes changes here; `GET /api/openapi.json` documents the same shapes.
 */

import type { Capabilities } from '../../../src/auth/auth.schemas.ts';
import type { User } from '../../../src/users/users.schemas.ts';

export type { Capabilities, SessionResponse } from '../../../src/auth/auth.schemas.ts';
export type { Role } from '../../../src/auth/principal.ts';
export type { ApiToken } from '../../../src/auth/tokens.schemas.ts';
export type { Contact } from '../../../src/contacts/contacts.schemas.ts';
export type { Conversation, ConversationStatus } from '../../../src/conversations/conversations.schemas.ts';
export type {
  CannedReply,
  Label,
  Mention,
  Note,
  NotificationSettings,
  SnoozeOptions,
  SupervisorOverview,
} from '../../../src/inbox/inbox.schemas.ts';
export type { Message, MessageError, Reaction } from '../../../src/messages/messages.schemas.ts';
export type { PhoneNumber } from '../../../src/numbers/numbers.schemas.ts';
export type {
  AcceptInvitationResponse,
  CreatedInvitation,
  CreateOrganisationResponse,
  Invitation,
  InvitationLookup,
  Organisation,
  OrganisationMember,
} from '../../../src/organisations/organisations.schemas.ts';
export type { Alert } from '../../../src/outbound/outbound.schemas.ts';
export type { Page } from '../../../src/platform/http/pagination.ts';
export type {
  SearchContactHit,
  SearchMessageHit,
  SearchResponse,
  SearchSegment,
} from '../../../src/search/search.schemas.ts';
export type { Team } from '../../../src/teams/teams.schemas.ts';
export type { Template, TemplateComponent } from '../../../src/templates/templates.schemas.ts';
export type { Agent, User } from '../../../src/users/users.schemas.ts';

export type Presence = User['presence'];
export type MessageOrigin = import('../../../src/messages/messages.schemas.ts').Message['origin'];
export type MessageStatus = import('../../../src/messages/messages.schemas.ts').Message['status'];

/** The signed-in user with what they may do (`can`, from the server's policy table). */
export type Me = User & { can: Capabilities };
