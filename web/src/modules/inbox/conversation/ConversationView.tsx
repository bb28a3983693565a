import { Box, Center, Drawer, Loader } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Me, Message } from '../../../api/types.ts';
import { ErrorNotice } from '../../../shared/ErrorNotice.tsx';
import { useToasts } from '../../../shared/toasts.tsx';
import { Composer } from '../composer/Composer.tsx';
import { ContactPanel } from '../contact/ContactPanel.tsx';
import { contactName } from '../contact-name.ts';
import { useMarkMentionsRead, useMentions } from '../ergonomics.api.ts';
import { useConversation, useMarkConversationRead, useSendMessage } from '../inbox.api.ts';
import { ConversationHeader } from './ConversationHeader.tsx';
import { ForwardModal } from './ForwardModal.tsx';
import type { MessageActionHandlers } from './MessageActions.tsx';
import { MessageTimeline } from './MessageTimeline.tsx';

type ConversationViewProps = { me: Me; conversationId: string; isPhone: boolean };

/** Opening a conversation counts its notes that @mentioned me as seen. */
function useMarkMentionsSeen(conversationId: string) {
  const mentions = useMentions();
  const { mutate } = useMarkMentionsRead();
  const unseen = (mentions.data?.data ?? []).some(
    (m) => m.conversation_id === conversationId && m.read_at === null,
  );
  useEffect(() => {
    if (unseen) mutate(conversationId);
  }, [unseen, conversationId, mutate]);
}

/** One conversation: header with actions, the message history, the composer, and the contact panel. */
export function ConversationView({ me, conversationId, isPhone }: ConversationViewProps) {
  const { t } = useTranslation('inbox');
  const conversation = useConversation(conversationId);
  const wide = useMediaQuery('(min-width: 75em)') ?? false;
  const [contactOpen, contactPanel] = useDisclosure(false);
  const [replyTo, setReplyTo] = useState<Message | null>(null);
  const [forwarding, setForwarding] = useState<Message | null>(null);
  const [jumpTo, setJumpTo] = useState<string | null>(null);
  useMarkConversationRead(conversation.data, me.can.act);
  useMarkMentionsSeen(conversationId);
  const send = useSendMessage({ id: conversationId });
  const toasts = useToasts();
  const actions = useMemo<MessageActionHandlers>(
    () => ({
      onReply: setReplyTo,
      onForward: setForwarding,
      onReact: (message, emoji) =>
        send.mutate(
          {
            message: { type: 'reaction', reaction: { message_id: message.id, emoji } },
            idempotencyKey: crypto.randomUUID(),
          },
          { onError: toasts.showError },
        ),
    }),
    [send.mutate, toasts.showError],
  );

  if (conversation.isPending) {
    return (
      <Center w="100%">
        <Loader size="sm" aria-label={t('view.loading')} />
      </Center>
    );
  }
  if (conversation.error) {
    return (
      <Box p="md" w="100%">
        <ErrorNotice error={conversation.error} onRetry={() => conversation.refetch()} />
      </Box>
    );
  }
  const data = conversation.data;
  const name = contactName(data.contact);
  const readOnly = !me.can.act;

  return (
    <Box style={{ display: 'flex', flex: 1, minWidth: 0, minHeight: 0 }}>
      <Box
        component="section"
        aria-label={t('view.label', { name })}
        style={{ display: 'flex', flexDirection: 'column', flex: 1, minWidth: 0, minHeight: 0 }}
      >
        <ConversationHeader
          me={me}
          conversation={data}
          isPhone={isPhone}
          showContactToggle={!wide}
          onToggleContact={contactPanel.toggle}
          onJumpTo={setJumpTo}
        />
        <MessageTimeline
          conversationId={data.id}
          contactName={name}
          actions={readOnly ? undefined : actions}
          jumpTo={jumpTo}
        />
        <ForwardModal message={forwarding} fromConversationId={data.id} onClose={() => setForwarding(null)} />
        {!readOnly && (
          <Composer
            key={data.id}
            conversation={data}
            canSyncTemplates={me.can.sync_templates}
            meId={me.id}
            replyTo={replyTo}
            onClearReply={() => setReplyTo(null)}
          />
        )}
      </Box>
      {wide ? (
        <Box
          component="aside"
          aria-label={t('header.contact')}
          w={300}
          style={{
            flexShrink: 0,
            borderLeft: '1px solid var(--mantine-color-default-border)',
            overflowY: 'auto',
          }}
        >
          <ContactPanel conversation={data} />
        </Box>
      ) : (
        <Drawer
          opened={contactOpen}
          onClose={contactPanel.close}
          position="right"
          title={t('header.contact')}
          size="sm"
        >
          <ContactPanel conversation={data} />
        </Drawer>
      )}
    </Box>
  );
}
