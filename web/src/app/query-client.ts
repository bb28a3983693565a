import { QueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/client.ts';

/** One cache per page load; the realtime stream keeps it fresh, so polling is off. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: true,
        retry: (failureCount, error) =>
          !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failureCount < 2,
      },
      mutations: { retry: false },
    },
  });
}
