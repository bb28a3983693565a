import { Alert, Badge, Button, Card, Group, List, Progress, Stack, Text } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.ts';
import { formatDateTime, formatPhone } from '../../shared/format.ts';
import { type OnboardingView, type SyncStatus, useSyncAction } from './onboarding.api.ts';

function stepLabels(t: TFunction<'onboarding'>): Record<string, string> {
  return {
    exchange_code: t('step.exchangeCode'),
    subscribe_app: t('step.subscribeApp'),
    read_number: t('step.readNumber'),
    register_number: t('step.registerNumber'),
    request_contacts_sync: t('step.requestContactsSync'),
    request_history_sync: t('step.requestHistorySync'),
  };
}
function stages(t: TFunction<'onboarding'>): Record<SyncStatus['stage'], { label: string; color: string }> {
  return {
    not_requested: { label: t('stage.notRequested'), color: 'gray' },
    requesting: { label: t('stage.requesting'), color: 'blue' },
    requested: { label: t('stage.requested'), color: 'blue' },
    syncing: { label: t('stage.syncing'), color: 'blue' },
    complete: { label: t('stage.complete'), color: 'teal' },
    declined: { label: t('stage.declined'), color: 'orange' },
    unknown: { label: t('stage.unknown'), color: 'yellow' },
    refused: { label: t('stage.refused'), color: 'red' },
    failed: { label: t('stage.failed'), color: 'red' },
  };
}
function actionLabels(t: TFunction<'onboarding'>) {
  return {
    request: t('syncAction.request'),
    mark_requested: t('syncAction.markRequested'),
    retry: t('syncAction.retry'),
  } as const;
}

function SyncCard({ sync, view }: { sync: SyncStatus; view: OnboardingView }) {
  const { t } = useTranslation('onboarding');
  const action = useSyncAction(view.phone_number_id ?? '', view.id);
  const stage = stages(t)[sync.stage];
  const ACTION_LABEL = actionLabels(t);
  const title = sync.sync_type === 'history' ? t('sync.history') : t('sync.contacts');
  return (
    <Card withBorder padding="sm" data-testid={`sync-${sync.sync_type}`}>
      <Group justify="space-between">
        <Text fw={600}>{title}</Text>
        <Badge color={stage.color} variant="light" data-testid="sync-stage">
          {stage.label}
        </Badge>
      </Group>
      {sync.sync_type === 'history' && (
        <Group gap="xs" mt="xs" wrap="nowrap">
          <Progress value={sync.progress ?? 0} w={220} aria-label={t('sync.progressLabel')} />
          <Text size="sm">{sync.progress ?? 0}%</Text>
          <Text size="xs" c="dimmed">
            {t('sync.messagesImported', { count: view.history_messages })}
          </Text>
        </Group>
      )}
      {sync.sync_type === 'smb_app_state_sync' && view.contacts_received > 0 && (
        <Text size="sm" mt="xs">
          {t('sync.contactsReceived', { count: view.contacts_received })}
        </Text>
      )}
      {sync.error && (
        <Text size="sm" c="red" mt="xs">
          {sync.error.code ? t('sync.metaError', { code: sync.error.code }) : ''}
          {sync.error.message}
        </Text>
      )}
      {sync.what_to_do && (
        <Text size="sm" mt="xs">
          {sync.what_to_do}
        </Text>
      )}
      {sync.deadline_at && (sync.stage === 'not_requested' || sync.stage === 'failed') && (
        <Text size="xs" c="dimmed">
          {t('sync.deadline', { at: formatDateTime(sync.deadline_at) })}
        </Text>
      )}
      {sync.actions.length > 0 && (
        <Group mt="xs">
          {sync.actions.map((a) => (
            <Button
              key={a}
              size="xs"
              variant={a === 'retry' ? 'default' : 'light'}
              loading={action.isPending}
              onClick={() => action.mutate({ syncType: sync.sync_type, action: a })}
            >
              {ACTION_LABEL[a]}
            </Button>
          ))}
        </Group>
      )}
      {action.isError && (
        <Text size="sm" c="red">
          {errorMessage(action.error)}
        </Text>
      )}
    </Card>
  );
}

/** Step 3: what the hub did with the signup, then what Meta has sent since (syncs, echoes). */
export function ConnectionProgress({ view }: { view: OnboardingView }) {
  const { t } = useTranslation('onboarding');
  const STEP_LABEL = stepLabels(t);
  return (
    <Stack gap="sm" maw={720}>
      {view.number && (
        <Text>
          <b>{view.number.verified_name ?? t('number')}</b> {formatPhone(view.number.display_phone_number)} ·{' '}
          {view.number.connection_state}
        </Text>
      )}
      <List spacing={4} listStyleType="none" data-testid="onboarding-steps">
        {view.steps
          .filter((s) => !s.step.startsWith('request_'))
          .map((s) => (
            <List.Item key={s.step}>
              <Group gap="xs">
                <Badge
                  color={s.status === 'done' ? 'teal' : 'red'}
                  variant="light"
                  w={80}
                  style={{ flexShrink: 0 }}
                >
                  {s.status === 'done' ? t('status.done') : t('status.failed')}
                </Badge>
                <Text size="sm">{STEP_LABEL[s.step] ?? s.step}</Text>
                <Text size="xs" c="dimmed">
                  {s.detail}
                </Text>
              </Group>
            </List.Item>
          ))}
        <List.Item>
          <Group gap="xs">
            <Badge
              color={view.partner_added ? 'teal' : 'gray'}
              variant="light"
              w={80}
              style={{ flexShrink: 0 }}
            >
              {view.partner_added ? t('status.done') : t('status.waiting')}
            </Badge>
            <Text size="sm">{t('partnerAdded')}</Text>
          </Group>
        </List.Item>
      </List>
      {view.state === 'failed' && (
        <Alert color="red" title={t('failed.title')}>
          {(view.error as { message?: string } | null)?.message ?? t('failed.seeStep')} {t('failed.retry')}
        </Alert>
      )}
      {view.syncs.map((s) => (
        <SyncCard key={s.sync_type} sync={s} view={view} />
      ))}
      {view.state === 'connected' && (
        <Card withBorder padding="sm" data-testid="first-echo">
          <Text fw={600}>{t('echo.title')}</Text>
          {view.first_echo ? (
            <Text size="sm">
              {t('echo.first', {
                text: view.first_echo.text ?? t('echo.media'),
                at: formatDateTime(view.first_echo.at),
              })}
            </Text>
          ) : (
            <Text size="sm" c="dimmed">
              {t('echo.hint')}
            </Text>
          )}
        </Card>
      )}
    </Stack>
  );
}
