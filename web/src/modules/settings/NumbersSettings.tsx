import { Badge, Button, Card, Group, Progress, SimpleGrid, Stack, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { PhoneNumber } from '../../api/types.ts';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { formatDateTime, formatPercent, formatPhone } from '../../shared/format.ts';
import { Link } from '../../shared/router.tsx';
import { useNumbers } from '../inbox/inbox.api.ts';
import { DisconnectNumber } from '../onboarding/DisconnectNumber.tsx';

const WARN_DAYS = 3;

function ConnectionBadge({ number }: { number: PhoneNumber }) {
  const { t } = useTranslation('settings');
  const connected = number.connection.state === 'connected';
  return (
    <Tooltip
      label={
        number.connection.reason
          ? t('numbers.reason', { reason: number.connection.reason })
          : t('numbers.connection')
      }
      disabled={connected}
    >
      <Badge color={connected ? 'teal' : 'red'} variant="light" data-testid="connection-state">
        {connected ? t('numbers.connected') : t('numbers.notConnected', { state: number.connection.state })}
      </Badge>
    </Tooltip>
  );
}

function AppActivity({ number }: { number: PhoneNumber }) {
  const { t } = useTranslation('settings');
  const days = number.days_left_before_14_day_rule;
  const color = days === null ? 'gray' : days <= WARN_DAYS ? 'red' : days <= 6 ? 'orange' : 'teal';
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed">
        {t('numbers.businessApp')}
      </Text>
      <Text size="sm">
        {t('numbers.lastActivity', { at: formatDateTime(number.last_app_activity_at) })}
        {number.last_echo_at === null && number.last_app_activity_at !== null && ` ${t('numbers.inHistory')}`}
      </Text>
      <Badge color={color} variant="light" data-testid="days-left">
        {days === null ? t('numbers.noActivity') : t('numbers.daysLeft', { count: days })}
      </Badge>
      {days !== null && days <= WARN_DAYS && (
        <Text size="xs" c="red">
          {t('numbers.askOwner')}
        </Text>
      )}
    </Stack>
  );
}

function HistoryImport({ number }: { number: PhoneNumber }) {
  const { t } = useTranslation('settings');
  const { state, progress } = number.history;
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed">
        {t('numbers.history')}
      </Text>
      <Group gap="xs" wrap="nowrap">
        <Progress value={progress} w={140} aria-label={t('numbers.historyProgress')} />
        <Text size="sm">{formatPercent(progress / 100)}</Text>
      </Group>
      <Text size="xs">{t(`numbers.historyState.${state}`)}</Text>
    </Stack>
  );
}

function NumberCard({ number }: { number: PhoneNumber }) {
  const { t } = useTranslation('settings');
  return (
    <Card withBorder padding="md" data-testid="number-card">
      <Group justify="space-between" align="flex-start">
        <div>
          <Text fw={600}>{number.verified_name ?? t('numbers.unnamed')}</Text>
          <Text size="sm" c="dimmed">
            {formatPhone(number.display_phone_number)} · {t('numbers.id', { id: number.id })}
          </Text>
        </div>
        <Group gap="xs">
          {number.is_coexistence && (
            <Badge variant="outline" color="orange">
              {t('numbers.coexistence')}
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
            {t('numbers.throughput')}
          </Text>
          <Text size="sm">{t('numbers.mps', { count: number.throughput_mps })}</Text>
          <Text size="xs">
            {t('numbers.contactsSync', { state: number.contacts_sync_state.replace(/_/g, ' ') })}
          </Text>
          <Text size="xs">{t('numbers.onboarded', { at: formatDateTime(number.onboarded_at) })}</Text>
        </Stack>
      </SimpleGrid>
    </Card>
  );
}

/** Each number's coexistence health: connection, phone-app activity and the 14-day rule, history, throughput. */
export function NumbersSettings() {
  const { t } = useTranslation('settings');
  const numbers = useNumbers();
  if (numbers.error) return <ErrorNotice error={numbers.error} onRetry={() => numbers.refetch()} />;
  const connect = (
    <Group>
      <Button component={Link} to="/connect-number">
        {t('numbers.connect')}
      </Button>
    </Group>
  );
  if (numbers.data?.length === 0) {
    return (
      <Stack>
        {connect}
        <Text c="dimmed">{t('numbers.none')}</Text>
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
