import { Alert, Badge, Button, Card, Group, List, Progress, Stack, Text } from '@mantine/core';
import { errorMessage } from '../../api/client.ts';
import { formatDateTime, formatPhone } from '../../shared/format.ts';
import { type OnboardingView, type SyncStatus, useSyncAction } from './onboarding.api.ts';

const STEP_LABEL: Record<string, string> = {
  exchange_code: 'Code exchanged for the business token',
  subscribe_app: 'App subscribed to the account’s webhooks',
  read_number: 'Number read from Meta (Business app, Cloud API)',
  register_number: 'Number added to Coexist',
  request_contacts_sync: 'Contacts sync requested',
  request_history_sync: 'History sync requested',
};
const STAGE: Record<SyncStatus['stage'], { label: string; color: string }> = {
  not_requested: { label: 'Not requested', color: 'gray' },
  requesting: { label: 'Requesting…', color: 'blue' },
  requested: { label: 'Requested, waiting for Meta', color: 'blue' },
  syncing: { label: 'Importing', color: 'blue' },
  complete: { label: 'Complete', color: 'teal' },
  declined: { label: 'Declined on the phone', color: 'orange' },
  unknown: { label: 'Outcome unknown', color: 'yellow' },
  refused: { label: 'Refused by Meta', color: 'red' },
  failed: { label: 'Failed', color: 'red' },
};
const ACTION_LABEL = {
  request: 'Request',
  mark_requested: 'Data is arriving: mark requested',
  retry: 'Meta did not get it: ask again',
} as const;

function SyncCard({ sync, view }: { sync: SyncStatus; view: OnboardingView }) {
  const action = useSyncAction(view.phone_number_id ?? '', view.id);
  const stage = STAGE[sync.stage];
  const title = sync.sync_type === 'history' ? 'Chat history (6 months)' : 'Contacts';
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
          <Progress value={sync.progress ?? 0} w={220} aria-label="History import progress" />
          <Text size="sm">{sync.progress ?? 0}%</Text>
          <Text size="xs" c="dimmed">
            {view.history_messages} messages imported
          </Text>
        </Group>
      )}
      {sync.sync_type === 'smb_app_state_sync' && view.contacts_received > 0 && (
        <Text size="sm" mt="xs">
          {view.contacts_received} contacts received
        </Text>
      )}
      {sync.error && (
        <Text size="sm" c="red" mt="xs">
          {sync.error.code ? `Meta error ${sync.error.code}: ` : ''}
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
          Meta accepts the request until {formatDateTime(sync.deadline_at)}.
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
  return (
    <Stack gap="sm" maw={720}>
      {view.number && (
        <Text>
          <b>{view.number.verified_name ?? 'Number'}</b> {formatPhone(view.number.display_phone_number)} ·{' '}
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
                  {s.status === 'done' ? 'Done' : 'Failed'}
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
              {view.partner_added ? 'Done' : 'Waiting'}
            </Badge>
            <Text size="sm">Meta confirmed the partner (account_update PARTNER_ADDED)</Text>
          </Group>
        </List.Item>
      </List>
      {view.state === 'failed' && (
        <Alert color="red" title="The connection did not complete">
          {(view.error as { message?: string } | null)?.message ?? 'See the failed step above.'} Start again
          to retry.
        </Alert>
      )}
      {view.syncs.map((s) => (
        <SyncCard key={s.sync_type} sync={s} view={view} />
      ))}
      {view.state === 'connected' && (
        <Card withBorder padding="sm" data-testid="first-echo">
          <Text fw={600}>Messages from the phone</Text>
          {view.first_echo ? (
            <Text size="sm">
              First message sent from the WhatsApp Business app mirrored: “{view.first_echo.text ?? '(media)'}
              ” at {formatDateTime(view.first_echo.at)}
            </Text>
          ) : (
            <Text size="sm" c="dimmed">
              Send a message from the WhatsApp Business app on the phone: it appears here and in the inbox.
              Keep the app open on the phone while the history is imported.
            </Text>
          )}
        </Card>
      )}
    </Stack>
  );
}
