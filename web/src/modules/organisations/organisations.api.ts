import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type {
  AcceptInvitationResponse,
  CreatedInvitation,
  CreateOrganisationResponse,
  Invitation,
  InvitationLookup,
  Organisation,
  OrganisationMember,
  Page,
  Role,
  User,
} from '../../api/types.ts';
import { sessionQueryKey } from '../auth/auth.api.ts';

/*
 * Organisations (`docs/security.md`): the session acts in one current organisation, kept by the
 * server (`POST /api/me/organisation`), so switching is one call and every query is read again.
 */

/**
 * Switches the session's organisation. Everything cached belonged to the previous one, so the
 * cache is emptied and the session read again (its role and capabilities are the new one's).
 */
export function useSwitchOrganisation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (organisationId: string) =>
      api<unknown>('/api/me/organisation', { method: 'POST', body: { organisation_id: organisationId } }),
    onSuccess: async () => {
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionQueryKey[0] });
      await queryClient.invalidateQueries({ queryKey: sessionQueryKey });
    },
  });
}

const organisationsKey = ['organisations'] as const;

/** Every organisation (the provider administrator's view). */
export function useOrganisations() {
  return useQuery({
    queryKey: organisationsKey,
    queryFn: async () => (await api<Page<Organisation>>('/api/organisations')).data,
  });
}

export function useCreateOrganisation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; owner_email?: string }) =>
      api<CreateOrganisationResponse>('/api/organisations', { method: 'POST', body: input }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: organisationsKey });
      // The provider administrator may switch to the new one.
      await queryClient.invalidateQueries({ queryKey: sessionQueryKey });
    },
  });
}

/** Members of any organisation (provider administrator). */
export function useOrganisationMembers(organisationId: string) {
  return useQuery({
    queryKey: [...organisationsKey, organisationId, 'members'],
    queryFn: async () =>
      (
        await api<Page<OrganisationMember>>(
          `/api/organisations/${encodeURIComponent(organisationId)}/members`,
        )
      ).data,
  });
}

/** Invitations of any organisation (provider administrator). */
export function useOrganisationInvitations(organisationId: string) {
  return useQuery({
    queryKey: [...organisationsKey, organisationId, 'invitations'],
    queryFn: async () =>
      (await api<Page<Invitation>>(`/api/organisations/${encodeURIComponent(organisationId)}/invitations`))
        .data,
  });
}

export function useInviteToOrganisation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { organisationId: string; email: string; role: Role }) =>
      api<CreatedInvitation>(`/api/organisations/${encodeURIComponent(input.organisationId)}/invitations`, {
        method: 'POST',
        body: { email: input.email, role: input.role },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: organisationsKey }),
  });
}

const invitationsKey = ['invitations'] as const;

/** The current organisation's invitations (its owners and admins). */
export function useInvitations() {
  return useQuery({
    queryKey: invitationsKey,
    queryFn: async () => (await api<Page<Invitation>>('/api/invitations')).data,
  });
}

export function useInvite() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { email: string; role: Role }) =>
      api<CreatedInvitation>('/api/invitations', { method: 'POST', body: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: invitationsKey }),
  });
}

export function useRevokeInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      api<unknown>(`/api/invitations/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: invitationsKey });
      await queryClient.invalidateQueries({ queryKey: organisationsKey });
    },
  });
}

/** The current organisation's members: its users, with their role here. */
export function useMembers() {
  return useQuery({
    queryKey: ['users', 'all'],
    queryFn: async () => (await api<Page<User>>('/api/users')).data,
  });
}

export function useChangeRole() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; role: Role }) =>
      api<User>(`/api/users/${encodeURIComponent(input.id)}`, {
        method: 'PATCH',
        body: { role: input.role },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['users'] }),
  });
}

/** Removes a member: one of several organisations is left; an account of this one only is disabled. */
export function useRemoveMember() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<unknown>(`/api/users/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['users'] }),
  });
}

/** What an invitation link says (public: the token is the credential). */
export function useInvitationLookup(token: string) {
  return useQuery({
    queryKey: ['invitation', token],
    queryFn: () => api<InvitationLookup>('/api/invitations/lookup', { method: 'POST', body: { token } }),
    enabled: token.length >= 10,
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useAcceptInvitation() {
  return useMutation({
    mutationFn: (input: { token: string; name?: string; password: string }) =>
      api<AcceptInvitationResponse>('/api/invitations/accept', { method: 'POST', body: input }),
  });
}
