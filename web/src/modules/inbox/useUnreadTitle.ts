import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from '../../api/client.ts';
import type { Conversation, Page } from '../../api/types.ts';
import { unreadTitle } from './tab-title.ts';

/**
 * Shows in the tab title how many of my open conversations have unread messages. The query key
 * starts with `conversations`, so the realtime stream refreshes it with the list.
 */
export function useUnreadTitle(meId: string): void {
  const mine = useQuery({
    queryKey: ['conversations', 'unread-title', meId],
    queryFn: ({ signal }) =>
      api<Page<Conversation>>('/api/conversations', {
        query: { assignee: meId, status: 'open', limit: 200 },
        signal,
      }),
  });
  const unread = (mine.data?.data ?? []).filter((c) => c.unread_count > 0).length;
  useEffect(() => {
    const base = document.title.replace(/^\(\d+\+?\) /, '') || 'Coexist';
    document.title = unreadTitle(base, unread);
    return () => {
      document.title = base;
    };
  }, [unread]);
}
