import { useInfiniteQuery } from '@tanstack/react-query';
import type { SecurityLogEntry } from '../../../../src/security/security-log.schemas.ts';
import { api } from '../../api/client.ts';
import type { Page } from '../../api/types.ts';

export type { SecurityLogEntry };

/** The filters of `GET /api/security-log` the page offers. */
export type SecurityLogFilters = { kind?: string; outcome?: string; email?: string };

/** The security log, newest first, a page of 100 at a time (owners and admins). */
export function useSecurityLog(filters: SecurityLogFilters) {
  return useInfiniteQuery({
    queryKey: ['security-log', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      api<Page<SecurityLogEntry>>('/api/security-log', {
        query: {
          ...(filters.kind ? { kind: filters.kind } : {}),
          ...(filters.outcome ? { outcome: filters.outcome } : {}),
          ...(filters.email ? { email: filters.email } : {}),
          ...(pageParam ? { cursor: pageParam } : {}),
          limit: 100,
        },
      }),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}
