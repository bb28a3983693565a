import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  DisconnectResultResponse,
  EligibilityReportResponse,
  OnboardingConfigResponse,
  OnboardingViewResponse,
  StartedOnboardingResponse,
} from '../../../../src/onboarding/onboarding.schemas.ts';
import { api } from '../../api/client.ts';

export type EligibilityReport = EligibilityReportResponse;
export type OnboardingView = OnboardingViewResponse;
export type StartedOnboarding = StartedOnboardingResponse;
export type SyncStatus = OnboardingViewResponse['syncs'][number];

export type EligibilityAnswers = {
  phone_number: string;
  app_version: string;
  days_in_use: number;
  facebook_page_linked: boolean;
};

export function useOnboardingConfig() {
  return useQuery({
    queryKey: ['onboarding', 'config'],
    queryFn: () => api<OnboardingConfigResponse>('/api/numbers/onboarding/config'),
  });
}

export function useCheckEligibility() {
  return useMutation({
    mutationFn: (answers: EligibilityAnswers) =>
      api<EligibilityReport>('/api/numbers/onboarding/eligibility', { method: 'POST', body: answers }),
  });
}

export function useStartOnboarding() {
  return useMutation({
    mutationFn: (answers: EligibilityAnswers) =>
      api<StartedOnboarding>('/api/numbers/onboarding', { method: 'POST', body: answers }),
  });
}

export function useCompleteSignup() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { sessionId: string; code: string; wabaId: string; phoneNumberId: string | null }) =>
      api<OnboardingView>(`/api/numbers/onboarding/${input.sessionId}/complete`, {
        method: 'POST',
        body: {
          code: input.code,
          waba_id: input.wabaId,
          ...(input.phoneNumberId ? { phone_number_id: input.phoneNumberId } : {}),
        },
      }),
    onSuccess: (view) => {
      queryClient.setQueryData(['onboarding', view.id], view);
      void queryClient.invalidateQueries({ queryKey: ['numbers'] });
    },
  });
}

/** One onboarding, refreshed every second while Meta sends the contacts and the history. */
export function useOnboarding(sessionId: string | null) {
  return useQuery({
    queryKey: ['onboarding', sessionId],
    queryFn: () => api<OnboardingView>(`/api/numbers/onboarding/${sessionId}`),
    enabled: sessionId !== null,
    refetchInterval: 1000,
  });
}

export function useSyncAction(phoneNumberId: string, sessionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { syncType: string; action: 'request' | 'mark_requested' | 'retry' }) =>
      input.action === 'request'
        ? api(`/api/numbers/${phoneNumberId}/sync`, { method: 'POST', body: { sync_type: input.syncType } })
        : api(`/api/numbers/${phoneNumberId}/syncs/${input.syncType}/resolve`, {
            method: 'POST',
            body: { resolution: input.action === 'retry' ? 'retry' : 'requested' },
          }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['onboarding', sessionId] }),
  });
}

export function useDisconnectNumber() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (phoneNumberId: string) =>
      api<DisconnectResultResponse>(`/api/numbers/${phoneNumberId}/disconnect`, { method: 'POST', body: {} }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['numbers'] }),
  });
}
