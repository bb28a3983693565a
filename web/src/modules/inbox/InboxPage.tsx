import { Box, Center, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Me } from '../../api/types.ts';
import { ConversationFilters } from './ConversationFilters.tsx';
import { ConversationList } from './ConversationList.tsx';
import { ConversationView } from './conversation/ConversationView.tsx';
import { InboxShortcuts } from './InboxShortcuts.tsx';
import type { ConversationFilter } from './inbox.api.ts';
import { MentionsList } from './MentionsList.tsx';
import { NotificationBanner } from './NotificationControls.tsx';
import { SearchResults } from './SearchResults.tsx';
import { useInboxNotifications } from './useInboxNotifications.ts';
import { useUnreadTitle } from './useUnreadTitle.ts';

type InboxPageProps = { me: Me; conversationId: string | undefined };

const defaultFilter = (me: Me): ConversationFilter => ({
  view: me.role === 'agent' ? 'mine' : 'all',
  status: 'open',
  q: '',
});

/** The list of conversations beside the open one; on a phone screen, one or the other. */
export function InboxPage({ me, conversationId }: InboxPageProps) {
  const { t } = useTranslation('inbox');
  const [filter, setFilter] = useState<ConversationFilter>(() => defaultFilter(me));
  const isPhone = useMediaQuery('(max-width: 48em)') ?? false;
  const showList = !isPhone || !conversationId;
  const showConversation = !isPhone || !!conversationId;
  useUnreadTitle(me.id);
  useInboxNotifications(me, conversationId);

  return (
    <Box h="100%" style={{ display: 'flex', minHeight: 0 }}>
      <InboxShortcuts selectedId={conversationId} />
      {showList && (
        <Box
          component="section"
          aria-label={t('list.section')}
          w={isPhone ? '100%' : 340}
          style={{
            flexShrink: 0,
            display: 'flex',
            flexDirection: 'column',
            borderRight: '1px solid var(--mantine-color-default-border)',
            minHeight: 0,
          }}
        >
          <NotificationBanner />
          <ConversationFilters me={me} filter={filter} onChange={setFilter} />
          {filter.view === 'mentions' ? (
            <MentionsList selectedId={conversationId} />
          ) : filter.q?.trim() ? (
            <SearchResults q={filter.q} />
          ) : (
            <ConversationList me={me} filter={filter} selectedId={conversationId} />
          )}
        </Box>
      )}
      {showConversation && (
        <Box style={{ flex: 1, minWidth: 0, minHeight: 0, display: 'flex' }}>
          {conversationId ? (
            <ConversationView
              key={conversationId}
              me={me}
              conversationId={conversationId}
              isPhone={isPhone}
            />
          ) : (
            <Center w="100%">
              <Text c="dimmed">{t('list.select')}</Text>
            </Center>
          )}
        </Box>
      )}
    </Box>
  );
}
