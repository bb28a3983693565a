import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { organisationOf } from '../auth/organisation-scope.ts';
import { principalOf } from '../auth/principal.ts';
import { errorResponses, ZIdParams, ZNoContent } from '../platform/http/api-schemas.ts';
import { originOf } from '../security/security-log.ts';
import {
  acceptInvitation,
  createInvitation,
  createOrganisation,
  listInvitations,
  listMembers,
  listOrganisations,
  lookupInvitation,
  revokeInvitation,
} from './organisation-actions.ts';
import {
  ZAcceptInvitationRequest,
  ZAcceptInvitationResponse,
  ZCreatedInvitation,
  ZCreateInvitationRequest,
  ZCreateOrganisationRequest,
  ZCreateOrganisationResponse,
  ZInvitationLookupResponse,
  ZInvitationTokenRequest,
  ZListInvitationsResponse,
  ZListOrganisationMembersResponse,
  ZListOrganisationsResponse,
  ZOrganisationParams,
} from './organisations.schemas.ts';

/**
 * Organisations (`auth/policy.ts`): `GET /api/organisations` is everyone's own list;
 * `/api/organisations/*` otherwise the provider administrator's; `/api/invitations` an
 * organisation's owners and admins (its current organisation); looking up and accepting an
 * invitation link is public (its token is the credential).
 */
export function organisationsRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/organisations',
      { schema: { response: { 200: ZListOrganisationsResponse, ...errorResponses } } },
      async (request) => ({
        data: await listOrganisations(deps, principalOf(request)),
        next_cursor: null,
      }),
    );

    app.post(
      '/api/organisations',
      {
        schema: {
          body: ZCreateOrganisationRequest,
          response: { 201: ZCreateOrganisationResponse, ...errorResponses },
        },
      },
      async (request, reply) => {
        const created = await createOrganisation(deps, {
          principal: principalOf(request),
          name: request.body.name,
          ownerEmail: request.body.owner_email,
          origin: originOf(request),
        });
        return reply.code(201).send(created);
      },
    );

    app.get(
      '/api/organisations/:id/members',
      {
        schema: {
          params: ZOrganisationParams,
          response: { 200: ZListOrganisationMembersResponse, ...errorResponses },
        },
      },
      async (request) => ({
        data: await listMembers(deps.database.db, request.params.id),
        next_cursor: null,
      }),
    );

    app.get(
      '/api/organisations/:id/invitations',
      {
        schema: {
          params: ZOrganisationParams,
          response: { 200: ZListInvitationsResponse, ...errorResponses },
        },
      },
      async (request) => ({
        data: await listInvitations(deps, {
          principal: principalOf(request),
          organisationId: request.params.id,
        }),
        next_cursor: null,
      }),
    );

    app.post(
      '/api/organisations/:id/invitations',
      {
        schema: {
          params: ZOrganisationParams,
          body: ZCreateInvitationRequest,
          response: { 201: ZCreatedInvitation, ...errorResponses },
        },
      },
      async (request, reply) => {
        const invitation = await createInvitation(deps, {
          principal: principalOf(request),
          organisationId: request.params.id,
          email: request.body.email,
          role: request.body.role,
          origin: originOf(request),
        });
        return reply.code(201).send(invitation);
      },
    );

    app.get(
      '/api/invitations',
      { schema: { response: { 200: ZListInvitationsResponse, ...errorResponses } } },
      async (request) => {
        const principal = principalOf(request);
        return {
          data: await listInvitations(deps, { principal, organisationId: organisationOf(principal) }),
          next_cursor: null,
        };
      },
    );

    app.post(
      '/api/invitations',
      {
        schema: { body: ZCreateInvitationRequest, response: { 201: ZCreatedInvitation, ...errorResponses } },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const invitation = await createInvitation(deps, {
          principal,
          organisationId: organisationOf(principal),
          email: request.body.email,
          role: request.body.role,
          origin: originOf(request),
        });
        return reply.code(201).send(invitation);
      },
    );

    app.delete(
      '/api/invitations/:id',
      { schema: { params: ZIdParams, response: { 204: ZNoContent, ...errorResponses } } },
      async (request, reply) => {
        await revokeInvitation(deps, {
          principal: principalOf(request),
          invitationId: request.params.id,
          origin: originOf(request),
        });
        return reply.code(204).send();
      },
    );

    app.post(
      '/api/invitations/lookup',
      {
        schema: {
          body: ZInvitationTokenRequest,
          response: { 200: ZInvitationLookupResponse, ...errorResponses },
        },
      },
      async (request) => lookupInvitation(deps, request.body.token),
    );

    app.post(
      '/api/invitations/accept',
      {
        schema: {
          body: ZAcceptInvitationRequest,
          response: { 200: ZAcceptInvitationResponse, ...errorResponses },
        },
      },
      async (request) =>
        acceptInvitation(deps, {
          token: request.body.token,
          name: request.body.name,
          password: request.body.password,
          origin: originOf(request),
        }),
    );
  };
}
