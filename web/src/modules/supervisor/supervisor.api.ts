import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { SupervisorOverview } from '../../api/types.ts';

/** Conversation counts and each agent's load and presence; kept fresh by the realtime stream. */
export function useSupervisorOverview() {
  return useQuery({
    queryKey: ['supervisor', 'overview'],
    queryFn: () => api<SupervisorOverview>('/api/supervisor/overview'),
    refetchInterval: 60_000,
  });
}
