import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { SyncHealth, SyncHealthCheck } from '../../../../src/sync-health/sync-health.schemas.ts';
import { api } from '../../api/client.ts';

export type { SyncHealth, SyncHealthCheck };

// Under ['numbers']: the stream's number.changed (which number.sync_health_changed travels as) refreshes it.
const key = (id: string) => ['numbers', id, 'sync-health'];

export function useSyncHealth(phoneNumberId: string | null) {
  return useQuery({
    queryKey: key(phoneNumberId ?? ''),
    queryFn: () => api<SyncHealth>(`/api/numbers/${phoneNumberId}/sync-health`),
    enabled: phoneNumberId !== null,
    refetchInterval: 60_000,
  });
}

/** Runs every check now, Graph probes included (admins). */
export function useCheckNow(phoneNumberId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<SyncHealth>(`/api/numbers/${phoneNumberId}/sync-health/check`, { method: 'POST' }),
    onSuccess: (data) => client.setQueryData(key(phoneNumberId), data),
  });
}
