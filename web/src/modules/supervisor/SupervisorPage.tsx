import { Badge, Box, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { Me, Presence } from '../../api/types.ts';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
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
        {value}
      </Text>
    </Card>
  );
}

/** Every conversation, each agent's load and presence, and taking a conversation over. */
export function SupervisorPage({ me }: SupervisorPageProps) {
  const overview = useSupervisorOverview();
  const data = overview.data;
  const unassigned = data?.by_assignee.find((a) => a.assignee_user_id === null);

  return (
    <Box h="100%" style={{ display: 'flex', flexDirection: 'column', minHeight: 0 }}>
      <Stack p="md" gap="sm" style={{ flexShrink: 0 }}>
        <Title order={3}>Supervisor</Title>
        {overview.error && <ErrorNotice error={overview.error} onRetry={() => overview.refetch()} />}
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
          <Stat label="Open" value={data?.by_status.open ?? 0} />
          <Stat label="Pending" value={data?.by_status.pending ?? 0} />
          <Stat label="Resolved" value={data?.by_status.resolved ?? 0} />
          <Stat label="Open and unassigned" value={unassigned?.open ?? 0} />
        </SimpleGrid>
        <Table.ScrollContainer minWidth={420} mah={220}>
          <Table striped aria-label="Agents">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Agent</Table.Th>
                <Table.Th>Presence</Table.Th>
                <Table.Th>Open</Table.Th>
                <Table.Th>Pending</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(data?.agents ?? []).map((agent) => (
                <Table.Tr key={agent.id} data-testid="agent-load">
                  <Table.Td>
                    <Group gap={6}>
                      <Text size="sm">{agent.name}</Text>
                      <Text size="xs" c="dimmed">
                        {agent.role}
                      </Text>
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="dot" color={presenceColor[agent.presence] ?? 'gray'}>
                      {agent.presence}
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
