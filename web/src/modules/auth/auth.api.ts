import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api } from '../../api/client.ts';
import type { Me, SessionResponse } from '../../api/types.ts';

export const sessionQueryKey = ['me'] as const;

/** What `GET /api/me` and a successful login return for a signed-in user. */
export type Session = {
  user: Me;
  mfa_required: boolean;
  /** The role requires MFA and the user has none yet: only enrolment is possible until it is done. */
  mfa_enrolment_required: boolean;
  /** Unused recovery codes; 0 while MFA is off. */
  recovery_codes_remaining: number;
  /** The organisation the session acts in, and every one the user may switch to. */
  organisation: SessionResponse['organisation'];
  organisations: SessionResponse['organisations'];
};

/** `GET /api/me` for a session (a token of no user has `user: null`). */
type MeBody = Omit<SessionResponse, 'user'> & { user: SessionResponse['user'] | null };

/** The current session, or `null` when nobody is signed in. */
export function useSession() {
  return useQuery({
    queryKey: sessionQueryKey,
    queryFn: async (): Promise<Session | null> => {
      try {
        const body = await api<MeBody>('/api/me');
        if (!body.user) return null;
        return {
          // What the user may do comes from the server's policy table, never from the role here.
          user: { ...body.user, can: body.can },
          mfa_required: body.mfa_required,
          mfa_enrolment_required: body.mfa_enrolment_required,
          recovery_codes_remaining: body.recovery_codes_remaining,
          organisation: body.organisation,
          organisations: body.organisations,
        };
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
}

export type LoginInput = { email: string; password: string; code?: string; recovery_code?: string };

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: LoginInput) => api<MeBody>('/api/auth/login', { method: 'POST', body: input }),
    onSuccess: async () => {
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionQueryKey[0] });
      await queryClient.invalidateQueries({ queryKey: sessionQueryKey });
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api<unknown>('/api/auth/logout', { method: 'POST' }),
    onSettled: () => {
      queryClient.clear();
      queryClient.setQueryData(sessionQueryKey, null);
    },
  });
}

export type MfaEnrolment = { secret: string; otpauth_url: string; qr_data_url?: string | null };

/** Starts MFA enrolment for the signed-in user: a new secret and its QR code. */
export function useStartMfaEnrolment() {
  return useMutation({
    mutationFn: () => api<MfaEnrolment>('/api/auth/mfa/enrol', { method: 'POST' }),
  });
}

/** Confirms enrolment with a first code; the session is then fully signed in (refetch the session). */
export function useConfirmMfaEnrolment() {
  return useMutation({
    mutationFn: (code: string) =>
      api<{ recovery_codes: string[] }>('/api/auth/mfa/confirm', { method: 'POST', body: { code } }),
  });
}

/** Sets the signed-in user's presence, which routing and the supervisor view read. */
export function useSetPresence() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (status: 'online' | 'away') =>
      api<unknown>('/api/me/presence', { method: 'POST', body: { status } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionQueryKey }),
  });
}
