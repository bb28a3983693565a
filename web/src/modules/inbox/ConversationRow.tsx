import { Badge, Group, Text, UnstyledButton } from '@mantine/core';
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import type { Conversation } from '../../api/types.ts';
import { formatListTime } from '../../shared/format.ts';
import { useNumberTimeZone } from '../../shared/number-time-zone.ts';
import { navigate } from '../../shared/router.tsx';
import { contactName } from './contact-name.ts';

export const ROW_HEIGHT = 72;

type ConversationRowProps = {
  conversation: Conversation;
  assigneeName: string | undefined;
  selected: boolean;
  style: CSSProperties;
};

export function ConversationRow({ conversation, assigneeName, selected, style }: ConversationRowProps) {
  const { t } = useTranslation('inbox');
  const timeZone = useNumberTimeZone(conversation.phone_number_id);
  const unread = conversation.unread_count > 0;
  const handleClick = () => navigate(`/inbox/${conversation.id}`);
  return (
    <UnstyledButton
      id={`conversation-${conversation.id}`}
      role="option"
      aria-selected={selected}
      tabIndex={-1}
      onClick={handleClick}
      data-testid="conversation-row"
      data-conversation-id={conversation.id}
      px="sm"
      py={8}
      h={ROW_HEIGHT}
      style={{
        ...style,
        display: 'block',
        borderBottom: '1px solid var(--mantine-color-default-border)',
        background: selected ? 'var(--mantine-primary-color-light)' : undefined,
      }}
    >
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text fw={unread ? 700 : 500} size="sm" truncate>
          {contactName(conversation.contact)}
        </Text>
        <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
          {formatListTime(conversation.last_message_at, { timeZone })}
        </Text>
      </Group>
      <Group justify="space-between" wrap="nowrap" gap="xs" mt={2}>
        <Text size="xs" c={unread ? undefined : 'dimmed'} fw={unread ? 600 : 400} truncate>
          {conversation.last_message_preview ?? ''}
        </Text>
        {unread && (
          <Badge
            size="sm"
            circle
            aria-label={t('row.unread', { count: conversation.unread_count })}
            data-testid="unread-count"
          >
            {conversation.unread_count}
          </Badge>
        )}
      </Group>
      <Group gap={4} mt={2} wrap="nowrap">
        {conversation.status !== 'open' && (
          <Badge size="xs" variant="light" color={conversation.status === 'resolved' ? 'gray' : 'yellow'}>
            {conversation.status}
          </Badge>
        )}
        {assigneeName && (
          <Text size="xs" c="dimmed" truncate>
            → {assigneeName}
          </Text>
        )}
        {(conversation.labels ?? []).slice(0, 2).map((label) => (
          <Badge key={label.id} size="xs" variant="outline" color={label.color ?? undefined}>
            {label.name}
          </Badge>
        ))}
      </Group>
    </UnstyledButton>
  );
}
