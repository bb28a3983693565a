import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { ZConsentSettings, ZContactConsent } from '../../../../src/consent/consent.schemas.ts';
import { api } from '../../api/client.ts';

export type ContactConsent = z.infer<typeof ZContactConsent>;
export type ConsentSettings = z.infer<typeof ZConsentSettings>;

/** Keys start with 'contacts', which the stream's `contact.changed` notice makes stale. */
export function useContactConsent(contactId: string | null | undefined) {
  return useQuery({
    queryKey: ['contacts', contactId, 'consent'],
    queryFn: () => api<ContactConsent>(`/api/contacts/${contactId}/consent`),
    enabled: !!contactId,
  });
}

export function useRecordConsent(contactId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { action: 'opt_in' | 'opt_out'; note: string; wording?: string }) =>
      api<ContactConsent>(`/api/contacts/${contactId}/consent`, { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['contacts'] }),
  });
}

export function useConsentSettings(phoneNumberId: string | null) {
  return useQuery({
    queryKey: ['numbers', phoneNumberId, 'consent'],
    queryFn: () => api<ConsentSettings>(`/api/consent/settings/${phoneNumberId}`),
    enabled: !!phoneNumberId,
  });
}

export function useSaveConsentSettings(phoneNumberId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      api<ConsentSettings>(`/api/consent/settings/${phoneNumberId}`, { method: 'PUT', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['numbers', phoneNumberId, 'consent'] }),
  });
}
