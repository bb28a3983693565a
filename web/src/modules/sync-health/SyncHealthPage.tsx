import { Alert, Badge, Box, Button, Group, Loader, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Me } from '../../api/types.ts';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { formatDateTime } from '../../shared/format.ts';
import { navigate } from '../../shared/router.tsx';
import { useToasts } from '../../shared/toasts.tsx';
import { useNumbers } from '../inbox/inbox.api.ts';
import { type SyncHealthCheck, useCheckNow, useSyncHealth } from './sync-health.api.ts';

const STATE: Record<SyncHealthCheck['state'], { color: string; label: string }> = {
  ok: { color: 'teal', label: 'states.ok' },
  warning: { color: 'yellow', label: 'states.warning' },
  failing: { color: 'red', label: 'states.failing' },
  unknown: { color: 'gray', label: 'states.unknown' },
};

function CheckRow({ check }: { check: SyncHealthCheck }) {
  const { t } = useTranslation('sync-health');
  const state = STATE[check.state];
  return (
    <Paper withBorder p="sm" radius="sm" data-testid={`check-${check.check}`} data-state={check.state}>
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
        <Box style={{ minWidth: 0 }}>
          <Text fw={600}>{check.title}</Text>
          <Text size="sm">{check.summary}</Text>
          {check.what_to_do && (
            <Text size="sm" mt={6} c="dimmed">
              <Text span fw={600} c="var(--mantine-color-text)">
                {t('whatToDo')}{' '}
              </Text>
              {check.what_to_do}
            </Text>
          )}
          <Text size="xs" c="dimmed" mt={4}>
            {check.checked_at
              ? t('checked', {
                  at: formatDateTime(check.checked_at),
                  state: t(state.label).toLowerCase(),
                  since: formatDateTime(check.since),
                })
              : t('notChecked')}
          </Text>
        </Box>
        <Badge color={state.color} variant="light" style={{ flexShrink: 0 }}>
          {t(state.label)}
        </Badge>
      </Group>
    </Paper>
  );
}

function NumberHealth({ phoneNumberId, me }: { phoneNumberId: string; me: Me }) {
  const { t } = useTranslation('sync-health');
  const health = useSyncHealth(phoneNumberId);
  const checkNow = useCheckNow(phoneNumberId);
  const toasts = useToasts();
  if (health.isPending) return <Loader aria-label={t('app:loading')} />;
  if (health.error) return <ErrorNotice error={health.error} onRetry={() => health.refetch()} />;
  const data = health.data;
  const overall = STATE[data.state];
  const bad = data.checks.filter((c) => c.state === 'warning' || c.state === 'failing').length;
  return (
    <Stack gap="sm" maw={860}>
      <Group justify="space-between">
        <Group gap="xs">
          {data.verified_name && <Text fw={600}>{data.verified_name}</Text>}
          <Text c={data.verified_name ? 'dimmed' : undefined} fw={data.verified_name ? undefined : 600}>
            +{data.display_phone_number}
          </Text>
          <Badge color={overall.color} data-testid="overall-state">
            {bad === 0 ? t('healthy') : t('attention', { count: bad })}
          </Badge>
        </Group>
        {me.can.manage_numbers && (
          <Button
            size="compact-sm"
            variant="light"
            loading={checkNow.isPending}
            onClick={() => checkNow.mutate(undefined, { onError: toasts.showError })}
          >
            {t('checkNow')}
          </Button>
        )}
      </Group>
      {data.checks.map((check) => (
        <CheckRow key={check.check} check={check} />
      ))}
    </Stack>
  );
}

/**
 * The troubleshooting page of a number: each sync-health check (connection, webhook subscription,
 * echoes, the 14-day rule, history import, webhook lag, quality, templates) with its state and what
 * to do. Live: a check that changes state arrives on the stream as number.changed.
 */
export function SyncHealthPage({ phoneNumberId, me }: { phoneNumberId: string | undefined; me: Me }) {
  const { t } = useTranslation('sync-health');
  const numbers = useNumbers();
  const selected = phoneNumberId ?? numbers.data?.[0]?.id ?? null;
  return (
    <Box h="100%" style={{ overflowY: 'auto' }} p="md">
      <Title order={3}>{t('title')}</Title>
      <Text size="sm" c="dimmed" mb="sm" maw={820}>
        {t('intro')}
      </Text>
      {numbers.error && <ErrorNotice error={numbers.error} onRetry={() => numbers.refetch()} />}
      {numbers.data && numbers.data.length === 0 && <Alert color="gray">{t('noNumber')}</Alert>}
      {numbers.data && numbers.data.length > 1 && (
        <Select
          label={t('settings:hours.number')}
          mb="sm"
          maw={360}
          value={selected}
          allowDeselect={false}
          data={numbers.data.map((n) => ({
            value: n.id,
            label: `${n.verified_name ?? n.display_phone_number} (+${n.display_phone_number})`,
          }))}
          onChange={(value) => value && navigate(`/health/${value}`)}
        />
      )}
      {selected && <NumberHealth phoneNumberId={selected} me={me} />}
    </Box>
  );
}
