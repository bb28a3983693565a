import { Box, Center, Loader, Text } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Me } from '../../api/types.ts';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { navigate } from '../../shared/router.tsx';
import { ConversationRow, ROW_HEIGHT } from './ConversationRow.tsx';
import { type ConversationFilter, flattenPages, useAgentNames, useConversations } from './inbox.api.ts';

type ConversationListProps = { me: Me; filter: ConversationFilter; selectedId: string | undefined };

/**
 * A virtualised list: only the rows on screen are in the DOM, and the next page is fetched as
 * the user nears the end, so thousands of conversations scroll smoothly. Arrow keys move between
 * conversations.
 */
export function ConversationList({ me, filter, selectedId }: ConversationListProps) {
  const { t } = useTranslation('inbox');
  const conversations = useConversations(filter, me.id);
  const items = flattenPages(conversations.data);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const virtualItems = virtualizer.getVirtualItems();
  const lastIndex = virtualItems.at(-1)?.index ?? -1;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = conversations;

  useEffect(() => {
    if (lastIndex >= items.length - 10 && hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [lastIndex, items.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  const userNames = useAgentNames(items.map((item) => item.assignee_user_id));
  const selectedIndex = items.findIndex((item) => item.id === selectedId);

  const handleKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const moves: Record<string, number> = {
      ArrowDown: selectedIndex + 1,
      ArrowUp: Math.max(0, selectedIndex - 1),
      Home: 0,
      End: items.length - 1,
    };
    const target = moves[event.key];
    if (target === undefined || items.length === 0) return;
    event.preventDefault();
    const index = Math.min(items.length - 1, Math.max(0, target));
    const item = items[index];
    if (!item) return;
    virtualizer.scrollToIndex(index, { align: 'auto' });
    navigate(`/inbox/${item.id}`, { replace: true });
  };

  if (conversations.isPending) {
    return (
      <Center p="lg">
        <Loader size="sm" aria-label={t('list.loading')} />
      </Center>
    );
  }
  if (conversations.error) {
    return (
      <Box p="sm">
        <ErrorNotice error={conversations.error} onRetry={() => conversations.refetch()} />
      </Box>
    );
  }
  if (items.length === 0) {
    return (
      <Center p="lg">
        <Text c="dimmed" size="sm">
          {t('list.empty')}
        </Text>
      </Center>
    );
  }

  return (
    <Box
      ref={scrollRef}
      role="listbox"
      aria-label={t('list.label')}
      aria-activedescendant={selectedId ? `conversation-${selectedId}` : undefined}
      tabIndex={0}
      onKeyDown={handleKeyDown}
      data-testid="conversation-list"
      style={{ flex: 1, overflowY: 'auto', minHeight: 0, outlineOffset: -2 }}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualItems.map((row) => {
          const conversation = items[row.index];
          if (!conversation) return null;
          return (
            <ConversationRow
              key={conversation.id}
              conversation={conversation}
              assigneeName={
                conversation.assignee_user_id ? userNames.get(conversation.assignee_user_id) : undefined
              }
              selected={conversation.id === selectedId}
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                width: '100%',
                transform: `translateY(${row.start}px)`,
              }}
            />
          );
        })}
      </div>
      {isFetchingNextPage && (
        <Center p="xs">
          <Loader size="xs" aria-label={t('list.loadingMore')} />
        </Center>
      )}
    </Box>
  );
}
