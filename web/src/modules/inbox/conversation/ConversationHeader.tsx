import { ActionIcon, Badge, Box, Button, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Conversation, Me } from '../../../api/types.ts';
import { formatPhone } from '../../../shared/format.ts';
import { Link } from '../../../shared/router.tsx';
import { useToasts } from '../../../shared/toasts.tsx';
import { contactName } from '../contact-name.ts';
import { useUpdateConversation } from '../inbox.api.ts';
import { AssignMenu } from './AssignMenu.tsx';
import { ControlBar } from './ControlBar.tsx';
import { ConversationSearch } from './ConversationSearch.tsx';
import { LabelsEditor } from './LabelsEditor.tsx';
import { SnoozeMenu } from './SnoozeMenu.tsx';

type ConversationHeaderProps = {
  me: Me;
  conversation: Conversation;
  isPhone: boolean;
  showContactToggle: boolean;
  onToggleContact: () => void;
  /** Jumps the timeline to a message found by the search within the conversation. */
  onJumpTo: (messageId: string | null) => void;
};

/** Name and number, assignment and transfer, labels, and resolve / reopen. */
export function ConversationHeader({
  me,
  conversation,
  isPhone,
  showContactToggle,
  onToggleContact,
  onJumpTo,
}: ConversationHeaderProps) {
  const { t } = useTranslation('inbox');
  const update = useUpdateConversation(conversation.id);
  const toasts = useToasts();
  const resolved = conversation.status === 'resolved';
  const canAct = me.can.act;

  const handleStatus = () => {
    update.mutate(
      { status: resolved ? 'open' : 'resolved' },
      {
        onSuccess: () => toasts.showSuccess(resolved ? t('header.reopened') : t('header.resolved')),
        onError: toasts.showError,
      },
    );
  };

  return (
    <Box px="md" py="xs" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
          {isPhone && (
            <ActionIcon component={Link} to="/inbox" variant="subtle" aria-label={t('header.back')}>
              ←
            </ActionIcon>
          )}
          <Box style={{ minWidth: 0 }}>
            <Text fw={600} truncate data-testid="conversation-title">
              {contactName(conversation.contact)}
            </Text>
            <Text size="xs" c="dimmed" truncate>
              {formatPhone(conversation.contact?.wa_id) || conversation.contact?.bsuid}
            </Text>
          </Box>
          <Badge
            size="sm"
            variant="light"
            color={resolved ? 'gray' : conversation.status === 'pending' ? 'yellow' : 'teal'}
            style={{ flexShrink: 0 }}
            data-testid="conversation-status"
          >
            {conversation.status === 'resolved'
              ? t('header.status.resolved')
              : conversation.status === 'pending'
                ? t('header.status.pending')
                : conversation.status === 'open'
                  ? t('header.status.open')
                  : conversation.status}
          </Badge>
        </Group>
        <Group gap="xs" wrap="nowrap">
          <ConversationSearch conversationId={conversation.id} onJumpTo={onJumpTo} />
          {canAct && <SnoozeMenu conversation={conversation} />}
          {canAct && (
            <Button
              size="compact-sm"
              variant="light"
              onClick={handleStatus}
              loading={update.isPending}
              data-testid="status-button"
            >
              {resolved ? t('header.reopen') : t('header.resolve')}
            </Button>
          )}
          {showContactToggle && (
            <Button size="compact-sm" variant="subtle" onClick={onToggleContact}>
              {t('header.contact')}
            </Button>
          )}
        </Group>
      </Group>
      <ControlBar me={me} conversationId={conversation.id} />
      {canAct && (
        <Group gap="xs" mt={6} wrap="wrap">
          <AssignMenu me={me} conversation={conversation} />
          <LabelsEditor conversation={conversation} />
        </Group>
      )}
    </Box>
  );
}
