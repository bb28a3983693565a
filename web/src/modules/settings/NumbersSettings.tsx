import { Badge, Button, Card, Group, Progress, SimpleGrid, Stack, Text, Tooltip } from '@mantine/core';
import type { PhoneNumber } from '../../api/types.ts';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { formatDateTime, formatPhone } from '../../shared/format.ts';
import { Link } from '../../shared/router.tsx';
import { useNumbers } from '../inbox/inbox.api.ts';
import { DisconnectNumber } from '../onboarding/DisconnectNumber.tsx';

const WARN_DAYS = 3;

function ConnectionBadge({ number }: { number: PhoneNumber }) {
  const connected = number.connection.state === 'connected';
  return (
    <Tooltip
      label={number.connection.reason ? `Reason: ${number.connection.reason}` : 'Connection to the Cloud API'}
      disabled={connected}
    >
      <Badge color={connected ? 'teal' : 'red'} variant="light" data-testid="connection-state">
        {connected ? 'Connected' : `Not connected (${number.connection.state})`}
      </Badge>
    </Tooltip>
  );
}

function AppActivity({ number }: { number: PhoneNumber }) {
  const days = number.days_left_before_14_day_rule;
  const color = days === null ? 'gray' : days <= WARN_DAYS ? 'red' : days <= 6 ? 'orange' : 'teal';
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed">
        Business app on the phone
      </Text>
      <Text size="sm">
        Last activity: {formatDateTime(number.last_app_activity_at)}
        {number.last_echo_at === null && number.last_app_activity_at !== null && ' (in imported history)'}
      </Text>
      <Badge color={color} variant="light" data-testid="days-left">
        {days === null ? 'No app activity seen yet' : `${days} days left before the 14-day rule`}
      </Badge>
      {days !== null && days <= WARN_DAYS && (
        <Text size="xs" c="red">
          Ask the owner to open WhatsApp Business on the phone, or Meta will disconnect the number.
        </Text>
      )}
    </Stack>
  );
}

function HistoryImport({ number }: { number: PhoneNumber }) {
  const { state, progress } = number.history;
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed">
        History import
      </Text>
      <Group gap="xs" wrap="nowrap">
        <Progress value={progress} w={140} aria-label="History import progress" />
        <Text size="sm">{progress}%</Text>
      </Group>
      <Text size="xs">
        {state === 'complete_inferred'
          ? 'complete (inferred: no history for 30 minutes)'
          : state.replace(/_/g, ' ')}
      </Text>
    </Stack>
  );
}

function NumberCard({ number }: { number: PhoneNumber }) {
  return (
    <Card withBorder padding="md" data-testid="number-card">
      <Group justify="space-between" align="flex-start">
        <div>
          <Text fw={600}>{number.verified_name ?? 'Unnamed number'}</Text>
          <Text size="sm" c="dimmed">
            {formatPhone(number.display_phone_number)} · id {number.id}
          </Text>
        </div>
        <Group gap="xs">
          {number.is_coexistence && (
            <Badge variant="outline" color="orange">
              Coexistence
            </Badge>
          )}
          <ConnectionBadge number={number} />
          {number.connection.state === 'connected' && (
            <DisconnectNumber phoneNumberId={number.id} label={formatPhone(number.display_phone_number)} />
          )}
        </Group>
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 3 }} mt="md" spacing="md">
        <AppActivity number={number} />
        <HistoryImport number={number} />
        <Stack gap={2}>
          <Text size="xs" c="dimmed">
            Throughput and sync
          </Text>
          <Text size="sm">{number.throughput_mps} messages/s</Text>
          <Text size="xs">Contacts sync: {number.contacts_sync_state.replace(/_/g, ' ')}</Text>
          <Text size="xs">Onboarded: {formatDateTime(number.onboarded_at)}</Text>
        </Stack>
      </SimpleGrid>
    </Card>
  );
}

/** Each number's coexistence health: connection, phone-app activity and the 14-day rule, history, throughput. */
export function NumbersSettings() {
  const numbers = useNumbers();
  if (numbers.error) return <ErrorNotice error={numbers.error} onRetry={() => numbers.refetch()} />;
  const connect = (
    <Group>
      <Button component={Link} to="/connect-number">
        Connect a WhatsApp Business app number
      </Button>
    </Group>
  );
  if (numbers.data?.length === 0) {
    return (
      <Stack>
        {connect}
        <Text c="dimmed">No number yet. Numbers appear when Meta sends their first webhook.</Text>
      </Stack>
    );
  }
  return (
    <Stack>
      {connect}
      {(numbers.data ?? []).map((number) => (
        <NumberCard key={number.id} number={number} />
      ))}
    </Stack>
  );
}
