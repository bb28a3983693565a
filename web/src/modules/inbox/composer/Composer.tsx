import { Box, Group, Tabs, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Conversation, Message } from '../../../api/types.ts';
import { NoteComposer } from './NoteComposer.tsx';
import { ReplyComposer } from './ReplyComposer.tsx';
import { TemplatePicker } from './TemplatePicker.tsx';
import { useWindowOpen, WindowCountdown } from './WindowCountdown.tsx';

type ComposerProps = {
  conversation: Conversation;
  canSyncTemplates: boolean;
  meId: string;
  replyTo: Message | null;
  onClearReply: () => void;
};

/**
 * Knows the 24-hour window: free-form replies with a countdown while it is open, an approved
 * template once it is closed. Internal notes are a separate tab and never reach the customer.
 */
export function Composer({ conversation, canSyncTemplates, meId, replyTo, onClearReply }: ComposerProps) {
  const { t } = useTranslation('inbox');
  const [tab, setTab] = useState<string | null>('reply');
  const open = useWindowOpen(conversation.window);

  return (
    <Box style={{ borderTop: '1px solid var(--mantine-color-default-border)', flexShrink: 0 }}>
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Group justify="space-between" pr="sm" gap={4}>
          <Tabs.List style={{ flexWrap: 'nowrap' }}>
            <Tabs.Tab value="reply" data-testid="composer-tab-reply">
              {open ? t('composer.reply') : t('composer.template')}
            </Tabs.Tab>
            <Tabs.Tab value="note" data-testid="composer-tab-note">
              {t('composer.note')}
            </Tabs.Tab>
          </Tabs.List>
          {open ? (
            <WindowCountdown expiresAt={conversation.window.expires_at} />
          ) : (
            <Text size="xs" c="orange" data-testid="window-closed">
              {t('window.closed')}
            </Text>
          )}
        </Group>
        <Tabs.Panel value="reply" p="sm">
          {open ? (
            <ReplyComposer conversation={conversation} replyTo={replyTo} onClearReply={onClearReply} />
          ) : (
            <TemplatePicker conversation={conversation} canSync={canSyncTemplates} />
          )}
        </Tabs.Panel>
        <Tabs.Panel value="note" p="sm">
          <NoteComposer conversationId={conversation.id} meId={meId} />
        </Tabs.Panel>
      </Tabs>
    </Box>
  );
}
