import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { ApiToken, CannedReply, Page, Role, Team, User } from '../../api/types.ts';

/** Every user (owners and admins only). */
export function useUsers() {
  return useQuery({
    queryKey: ['users', 'all'],
    queryFn: async () => (await api<Page<User>>('/api/users')).data,
  });
}

function useInvalidating<TInput, TOutput>(keys: string[][], fn: (input: TInput) => Promise<TOutput>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => Promise.all(keys.map((queryKey) => queryClient.invalidateQueries({ queryKey }))),
  });
}

export type NewUser = { email: string; name: string; role: Role; password?: string };

export function useCreateUser() {
  return useInvalidating([['users']], (input: NewUser) =>
    api<{ user: User; password?: string }>('/api/users', { method: 'POST', body: input }),
  );
}

export function useUpdateUser() {
  return useInvalidating(
    [['users']],
    (input: { id: string; patch: { role?: Role; disabled?: boolean; reset_mfa?: boolean; name?: string } }) =>
      api<User>(`/api/users/${input.id}`, { method: 'PATCH', body: input.patch }),
  );
}

export function useCreateTeam() {
  return useInvalidating([['teams']], (input: { name: string }) =>
    api<Team>('/api/teams', { method: 'POST', body: input }),
  );
}

export function useDeleteTeam() {
  return useInvalidating([['teams']], (id: string) => api<void>(`/api/teams/${id}`, { method: 'DELETE' }));
}

export function useTeamMember() {
  return useInvalidating(
    [['teams'], ['users']],
    (input: { teamId: string; userId: string; member: boolean }) =>
      input.member
        ? api<unknown>(`/api/teams/${input.teamId}/members`, {
            method: 'POST',
            body: { user_id: input.userId },
          })
        : api<unknown>(`/api/teams/${input.teamId}/members/${input.userId}`, { method: 'DELETE' }),
  );
}

export function useCreateCannedReply() {
  return useInvalidating(
    [['canned-replies']],
    (input: { shortcut: string; text: string; team_id: string | null }) =>
      api<CannedReply>('/api/canned-replies', { method: 'POST', body: input }),
  );
}

export function useDeleteCannedReply() {
  return useInvalidating([['canned-replies']], (id: string) =>
    api<void>(`/api/canned-replies/${id}`, { method: 'DELETE' }),
  );
}

export function useTokens() {
  return useQuery({
    queryKey: ['tokens'],
    queryFn: async () => (await api<Page<ApiToken>>('/api/tokens')).data,
  });
}

export function useCreateToken() {
  return useInvalidating(
    [['tokens']],
    (input: { name: string; role: Role; scope?: ApiToken['scope']; rate_limit_per_minute?: number | null }) =>
      api<ApiToken & { token: string }>('/api/tokens', { method: 'POST', body: input }),
  );
}

export function useRevokeToken() {
  return useInvalidating([['tokens']], (id: string) => api<void>(`/api/tokens/${id}`, { method: 'DELETE' }));
}
