import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { Language } from '../../i18n/index.ts';
import { sessionQueryKey } from '../auth/auth.api.ts';

/** The server's minimum for a new password (`POST /api/auth/password`). */
export const MIN_PASSWORD_LENGTH = 10;

export type ChangePasswordInput = { current_password: string; new_password: string };

/** Changes the signed-in user's password; the user's other sessions end, this one continues. */
export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ChangePasswordInput) =>
      api<void>('/api/auth/password', { method: 'POST', body: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionQueryKey }),
  });
}

/** Stores the signed-in user's language on the server (`PATCH /api/me`); `null` = follow the browser. */
export function useSetLanguage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (language: Language | null) =>
      api<unknown>('/api/me', { method: 'PATCH', body: { language } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionQueryKey }),
  });
}

/** Replaces every recovery code with 10 new ones (returned once), given a current authenticator code. */
export function useRegenerateRecoveryCodes() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (code: string) =>
      api<{ recovery_codes: string[] }>('/api/auth/mfa/recovery-codes', { method: 'POST', body: { code } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionQueryKey }),
  });
}

export type DisableMfaInput = { password: string; code: string };

/** Turns two-factor authentication off; only for roles that do not require it. */
export function useDisableMfa() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: DisableMfaInput) =>
      api<void>('/api/auth/mfa/disable', { method: 'POST', body: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionQueryKey }),
  });
}
