import { Badge, Box, Button, Group, Select, Text } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationStatus, Me, SupervisorOverview } from '../../api/types.ts';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { formatListTime } from '../../shared/format.ts';
import { useNumberTimeZone } from '../../shared/number-time-zone.ts';
import { Link } from '../../shared/router.tsx';
import { useToasts } from '../../shared/toasts.tsx';
import { contactName } from '../inbox/contact-name.ts';
import { flattenPages, useConversations, useUpdateConversation } from '../inbox/inbox.api.ts';

type SupervisorConversationsProps = { me: Me; agents: SupervisorOverview['agents'] };

const ROW = 52;

function TakeOverButton({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation('supervisor');
  const update = useUpdateConversation(conversationId);
  const toasts = useToasts();
  return (
    <Button
      size="compact-xs"
      variant="light"
      loading={update.isPending}
      onClick={() =>
        update.mutate('takeOver', {
          onSuccess: () => toasts.showSuccess(t('tookOver')),
          onError: toasts.showError,
        })
      }
    >
      {t('takeOver')}
    </Button>
  );
}

/** A conversation's last time on its number's business clock. */
function ListTime({ at, phoneNumberId }: { at: string | null; phoneNumberId: string }) {
  return <>{formatListTime(at, { timeZone: useNumberTimeZone(phoneNumberId) })}</>;
}

/** Every conversation (virtualised), with who holds it and a take-over button. */
export function SupervisorConversations({ me, agents }: SupervisorConversationsProps) {
  const { t } = useTranslation('supervisor');
  const [status, setStatus] = useState<ConversationStatus | 'any'>('open');
  const conversations = useConversations({ view: 'all', status }, me.id);
  const items = flattenPages(conversations.data);
  const names = new Map(agents.map((a) => [a.id, a.name]));
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW,
    overscan: 10,
  });
  const virtualItems = virtualizer.getVirtualItems();
  const last = virtualItems.at(-1)?.index ?? -1;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = conversations;
  useEffect(() => {
    if (last >= items.length - 10 && hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [last, items.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  return (
    <Box style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }} px="md" pb="md">
      <Group justify="space-between" mb="xs">
        <Text fw={600}>{t('all')}</Text>
        <Select
          size="xs"
          aria-label={t('statusLabel')}
          data={[
            { value: 'open', label: t('status.open') },
            { value: 'pending', label: t('status.pending') },
            { value: 'resolved', label: t('status.resolved') },
            { value: 'any', label: t('status.any') },
          ]}
          value={status}
          allowDeselect={false}
          onChange={(value) => setStatus((value ?? 'open') as ConversationStatus | 'any')}
          w={140}
        />
      </Group>
      {conversations.error && <ErrorNotice error={conversations.error} />}
      <Box
        ref={scrollRef}
        style={{
          flex: 1,
          overflowY: 'auto',
          border: '1px solid var(--mantine-color-default-border)',
          borderRadius: 8,
        }}
        data-testid="supervisor-conversations"
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualItems.map((row) => {
            const c = items[row.index];
            if (!c) return null;
            return (
              <Group
                key={c.id}
                justify="space-between"
                wrap="nowrap"
                px="sm"
                h={ROW}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  width: '100%',
                  transform: `translateY(${row.start}px)`,
                  borderBottom: '1px solid var(--mantine-color-default-border)',
                }}
              >
                <Box style={{ minWidth: 0 }}>
                  <Link to={`/inbox/${c.id}`} style={{ color: 'inherit', fontWeight: 600, fontSize: 14 }}>
                    {contactName(c.contact)}
                  </Link>
                  <Text size="xs" c="dimmed" truncate>
                    <ListTime at={c.last_message_at} phoneNumberId={c.phone_number_id} /> ·{' '}
                    {c.last_message_preview ?? ''}
                  </Text>
                </Box>
                <Group gap="xs" wrap="nowrap">
                  <Badge size="sm" variant="light" color={c.assignee_user_id ? 'blue' : 'gray'}>
                    {c.assignee_user_id ? (names.get(c.assignee_user_id) ?? t('assigned')) : t('unassigned')}
                  </Badge>
                  {me.can.take_over && c.assignee_user_id !== me.id && (
                    <TakeOverButton conversationId={c.id} />
                  )}
                </Group>
              </Group>
            );
          })}
        </div>
      </Box>
    </Box>
  );
}
