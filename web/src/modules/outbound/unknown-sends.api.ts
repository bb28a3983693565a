import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  ResolveSendsRequest,
  ResolveSendsResponse,
  UnknownSend,
} from '../../../../src/outbound/unknown-sends.schemas.ts';
import { api } from '../../api/client.ts';
import type { Page } from '../../api/types.ts';

export type { UnknownSend };

/** Sends whose outcome is unknown, oldest first (one page of up to 500). */
export function useUnknownSends(filter: { phoneNumberId?: string }) {
  return useQuery({
    queryKey: ['unknown-sends', filter.phoneNumberId ?? null],
    queryFn: () =>
      api<Page<UnknownSend>>('/api/messages/unknown', {
        query: { phone_number_id: filter.phoneNumberId, limit: 500 },
      }),
    refetchInterval: 10_000,
  });
}

/** Resolves many unknown sends at once; one result per item. */
export function useResolveSends() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ResolveSendsRequest) =>
      api<ResolveSendsResponse>('/api/messages/resolve', { method: 'POST', body }),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['unknown-sends'] });
      void queryClient.invalidateQueries({ queryKey: ['alerts'] });
      void queryClient.invalidateQueries({ queryKey: ['messages'] });
    },
  });
}
