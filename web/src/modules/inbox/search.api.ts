import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { SearchResponse } from '../../api/types.ts';

/** `GET /api/search`: messages and contacts matching `q` (within one conversation with `conversationId`). */
export function useSearch(q: string, conversationId?: string) {
  const query = q.trim();
  return useQuery({
    queryKey: ['search', query, conversationId ?? null],
    queryFn: ({ signal }) =>
      api<SearchResponse>('/api/search', {
        query: { q: query, conversation_id: conversationId, limit: 20 },
        signal,
      }),
    enabled: query.length > 0,
    placeholderData: keepPreviousData,
  });
}
