import { Alert, Box, Button, Checkbox, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { formatDateTime, formatPhone } from '../../shared/format.ts';
import { useToasts } from '../../shared/toasts.tsx';
import { type UnknownSend, useResolveSends, useUnknownSends } from './unknown-sends.api.ts';

type Outcome = 'sent' | 'failed' | 'retry';

const outcomeLabel: Record<Outcome, string> = {
  sent: 'outcomes.sent',
  failed: 'outcomes.failed',
  retry: 'outcomes.retry',
};

function summary(send: UnknownSend): string {
  const content = send.message.content as Record<string, unknown> | null;
  if (send.message.type === 'text' && content && typeof content.body === 'string') return content.body;
  if (send.message.type === 'template' && content && typeof content.name === 'string')
    return `[template: ${content.name}]`;
  return `[${send.message.type}]`;
}

/**
 * Sends whose outcome is unknown (Meta may or may not have taken them): the list, and resolving
 * the selected ones at once. The recipient's later messages wait behind each (the "waiting" column).
 */
export function UnknownSendsPage() {
  const { t } = useTranslation('outbound');
  const list = useUnknownSends({});
  const resolve = useResolveSends();
  const toasts = useToasts();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const sends = list.data?.data ?? [];
  const allSelected = sends.length > 0 && sends.every((s) => selected.has(s.message.id));

  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const apply = (outcome: Outcome) => {
    const items = [...selected].map((id) => ({ id, outcome }));
    resolve.mutate(
      { items },
      {
        onSuccess: (result) => {
          const done = result.results.filter((r) => r.ok).length;
          const refused = result.results.length - done;
          toasts.showSuccess(
            refused === 0 ? t('resolved', { count: done }) : t('resolvedSome', { count: done, refused }),
          );
          setSelected(new Set());
        },
        onError: toasts.showError,
      },
    );
  };

  return (
    <Box h="100%" style={{ overflow: 'auto' }}>
      <Stack p="md" gap="sm">
        <Title order={3}>{t('app:nav.unknownSends')}</Title>
        <Text size="sm" c="dimmed">
          {t('intro')}
        </Text>
        {list.error && <ErrorNotice error={list.error} onRetry={() => list.refetch()} />}
        {list.isSuccess && sends.length === 0 && (
          <Alert color="teal" data-testid="no-unknown-sends">
            {t('none')}
          </Alert>
        )}
        {sends.length > 0 && (
          <>
            <Group gap="xs">
              {(['sent', 'failed', 'retry'] as const).map((outcome) => (
                <Button
                  key={outcome}
                  size="compact-sm"
                  variant={outcome === 'retry' ? 'outline' : 'light'}
                  disabled={selected.size === 0 || resolve.isPending}
                  onClick={() => apply(outcome)}
                >
                  {t(outcomeLabel[outcome])} ({selected.size})
                </Button>
              ))}
            </Group>
            <Text size="xs" c="dimmed">
              {t('sendAgainHint')}
            </Text>
            <Table.ScrollContainer minWidth={640}>
              <Table striped aria-label={t('app:nav.unknownSends')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>
                      <Checkbox
                        aria-label={t('selectAll')}
                        checked={allSelected}
                        onChange={() =>
                          setSelected(allSelected ? new Set() : new Set(sends.map((s) => s.message.id)))
                        }
                      />
                    </Table.Th>
                    <Table.Th>{t('recipient')}</Table.Th>
                    <Table.Th>{t('message')}</Table.Th>
                    <Table.Th>{t('since')}</Table.Th>
                    <Table.Th>{t('waiting')}</Table.Th>
                    <Table.Th>{t('why')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {sends.map((send) => (
                    <Table.Tr key={send.message.id} data-testid="unknown-send">
                      <Table.Td>
                        <Checkbox
                          aria-label={t('select', { id: send.message.id })}
                          checked={selected.has(send.message.id)}
                          onChange={() => toggle(send.message.id)}
                        />
                      </Table.Td>
                      <Table.Td>{formatPhone(send.recipient.wa_id) || send.recipient.bsuid}</Table.Td>
                      <Table.Td>
                        <Text size="sm" truncate maw={280}>
                          {summary(send)}
                        </Text>
                      </Table.Td>
                      <Table.Td>{formatDateTime(send.unknown_since)}</Table.Td>
                      <Table.Td>{send.waiting}</Table.Td>
                      <Table.Td>
                        <Text size="xs" c="dimmed" truncate maw={260}>
                          {send.reason}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </>
        )}
      </Stack>
    </Box>
  );
}
