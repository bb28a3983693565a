import { Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client.ts';
import type { Conversation, Message, Page } from '../../../api/types.ts';
import { useToasts } from '../../../shared/toasts.tsx';
import { contactName } from '../contact-name.ts';
import { useForwardMessage } from '../ergonomics.api.ts';
import { messagePreview } from './message-content.ts';

type ForwardModalProps = { message: Message | null; fromConversationId: string; onClose: () => void };

/** Picks another conversation (by the contact's name or number) and forwards the message there. */
export function ForwardModal({ message, fromConversationId, onClose }: ForwardModalProps) {
  const { t } = useTranslation('inbox');
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 250);
  const [target, setTarget] = useState<string | null>(null);
  const forward = useForwardMessage();
  const toasts = useToasts();
  const candidates = useQuery({
    queryKey: ['conversations', 'forward-targets', q],
    queryFn: ({ signal }) =>
      api<Page<Conversation>>('/api/conversations', {
        query: { q: q.trim() || undefined, limit: 20 },
        signal,
      }),
    enabled: message !== null,
  });
  const data = (candidates.data?.data ?? [])
    .filter((c) => c.id !== fromConversationId)
    .map((c) => ({ value: c.id, label: contactName(c.contact) }));

  const handleForward = () => {
    if (!message || !target) return;
    forward.mutate(
      { messageId: message.id, conversationId: target },
      {
        onSuccess: () => {
          toasts.showSuccess(t('actions.forwarded'));
          setTarget(null);
          onClose();
        },
        onError: toasts.showError,
      },
    );
  };

  return (
    <Modal opened={message !== null} onClose={onClose} title={t('actions.forwardTitle')}>
      <Stack>
        {message && (
          <Text size="sm" c="dimmed" lineClamp={3}>
            {messagePreview(message.type, message.content)}
          </Text>
        )}
        <Select
          label={t('actions.forwardTo')}
          placeholder={t('actions.forwardSearch')}
          searchable
          searchValue={search}
          onSearchChange={setSearch}
          filter={({ options }) => options}
          data={data}
          value={target}
          onChange={setTarget}
          nothingFoundMessage={t('actions.forwardNone')}
          data-autofocus
          data-testid="forward-target"
        />
        <Group justify="flex-end">
          <Button onClick={handleForward} disabled={!target} loading={forward.isPending}>
            {t('actions.forward')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
