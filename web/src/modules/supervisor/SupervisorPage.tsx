import { Badge, Box, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Me, Presence } from '../../api/types.ts';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { formatNumber } from '../../shared/format.ts';
import { SupervisorConversations } from './SupervisorConversations.tsx';
import { useSupervisorOverview } from './supervisor.api.ts';

type SupervisorPageProps = { me: Me };

const presenceColor: Record<Presence, string> = { online: 'teal', away: 'yellow', offline: 'gray' };

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {formatNumber(value)}
      </Text>
    </Card>
  );
}

/** Every conversation, each agent's load and presence, and taking a conversation over. */
export function SupervisorPage({ me }: SupervisorPageProps) {
  const { t } = useTranslation('supervisor');
  const overview = useSupervisorOverview();
  const data = overview.data;
  const unassigned = data?.by_assignee.find((a) => a.assignee_user_id === null);

  return (
    <Box h="100%" style={{ display: 'flex', flexDirection: 'column', minHeight: 0 }}>
      <Stack p="md" gap="sm" style={{ flexShrink: 0 }}>
        <Title order={3}>{t('title')}</Title>
        {overview.error && <ErrorNotice error={overview.error} onRetry={() => overview.refetch()} />}
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
          <Stat label={t('status.open')} value={data?.by_status.open ?? 0} />
          <Stat label={t('status.pending')} value={data?.by_status.pending ?? 0} />
          <Stat label={t('status.resolved')} value={data?.by_status.resolved ?? 0} />
          <Stat label={t('openUnassigned')} value={unassigned?.open ?? 0} />
        </SimpleGrid>
        <Table.ScrollContainer minWidth={420} mah={220}>
          <Table striped aria-label={t('agents')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('agent')}</Table.Th>
                <Table.Th>{t('settings:users.presenceTitle')}</Table.Th>
                <Table.Th>{t('status.open')}</Table.Th>
                <Table.Th>{t('status.pending')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(data?.agents ?? []).map((agent) => (
                <Table.Tr key={agent.id} data-testid="agent-load">
                  <Table.Td>
                    <Group gap={6}>
                      <Text size="sm">{agent.name}</Text>
                      <Text size="xs" c="dimmed">
                        {t(`common:roles.${agent.role}`)}
                      </Text>
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="dot" color={presenceColor[agent.presence] ?? 'gray'}>
                      {t(`settings:users.presence.${agent.presence}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{agent.load}</Table.Td>
                  <Table.Td>{agent.pending}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Stack>
      <SupervisorConversations me={me} agents={data?.agents ?? []} />
    </Box>
  );
}
