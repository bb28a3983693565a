import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { formatDateTime } from '../../shared/format.ts';
import { useToasts } from '../../shared/toasts.tsx';
import {
  useDeleteEndpoint,
  useDeliveries,
  useDelivery,
  useRecover,
  useResend,
  useRotateSecret,
  useUpdateEndpoint,
  type WebhookEndpoint,
} from './integrations.api.ts';
import { SelectableRow } from './SelectableRow.tsx';

const stateColor = { pending: 'yellow', succeeded: 'teal', failed: 'red' } as const;

// Bodies and headers are long single lines: wrap them instead of overflowing the page.
const wrap = { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' } as const;

/** The body as sent, indented for reading (the receiver got the compact form). */
function readable(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function DeliveryDetail({ endpointId, deliveryId }: { endpointId: string; deliveryId: string }) {
  const { t } = useTranslation('integrations');
  const detail = useDelivery(endpointId, deliveryId);
  const resend = useResend();
  const toasts = useToasts();
  if (detail.error) return <ErrorNotice error={detail.error} onRetry={() => detail.refetch()} />;
  if (!detail.data) return null;
  const d = detail.data;
  return (
    <Stack gap="xs" data-testid="webhook-delivery-detail">
      <Group justify="space-between">
        <Title order={6}>
          {d.event_type} · {d.message_id}
        </Title>
        <Button
          size="compact-sm"
          onClick={() =>
            resend.mutate(
              { endpointId, deliveryId },
              { onSuccess: () => toasts.showSuccess(t('delivery.sentAgain')), onError: toasts.showError },
            )
          }
          loading={resend.isPending}
        >
          {t('delivery.resend')}
        </Button>
      </Group>
      <Text size="xs" fw={600}>
        {t('delivery.requestBody')}
      </Text>
      <Code block style={wrap} data-testid="webhook-request-body">
        {readable(d.request_body)}
      </Code>
      {d.attempts_log.map((a, i) => (
        <Stack key={`${a.attempt}-${a.at}`} gap={2} data-testid="webhook-attempt">
          <Text size="xs" fw={600}>
            {/* A resend starts its attempts again from 1: number them in log order, and say which resent. */}
            {t('delivery.attempt', { number: i + 1 })}
            {i > 0 && a.attempt === 1 ? t('delivery.resent') : ''} · {formatDateTime(a.at)} ·{' '}
            {a.response_status !== null ? `HTTP ${a.response_status}` : t('delivery.noResponse')} ·{' '}
            {t('delivery.duration', { ms: a.duration_ms })}
          </Text>
          <Text size="xs" c="dimmed">
            {t('delivery.requestHeaders')}
          </Text>
          <Code block style={wrap}>
            {Object.entries(a.request_headers)
              .map(([k, v]) => `${k}: ${v}`)
              .join('\n')}
          </Code>
          {a.error && (
            <Text size="xs" c="red">
              {a.error}
            </Text>
          )}
          {a.response_body !== null && (
            <>
              <Text size="xs" c="dimmed">
                {t('delivery.responseBody')}
              </Text>
              <Code block style={wrap}>
                {a.response_body || t('delivery.emptyBody')}
              </Code>
            </>
          )}
        </Stack>
      ))}
    </Stack>
  );
}

/** One endpoint: its actions and its delivery log. */
export function EndpointPanel(props: {
  endpoint: WebhookEndpoint;
  onSecret: (secret: string) => void;
  onDeleted: () => void;
}) {
  const { endpoint } = props;
  const { t } = useTranslation('integrations');
  const [state, setState] = useState('all');
  const [open, setOpen] = useState<string | null>(null);
  const [since, setSince] = useState('');
  const deliveries = useDeliveries(endpoint.id, state === 'all' ? null : state);
  const update = useUpdateEndpoint();
  const rotate = useRotateSecret();
  const recover = useRecover();
  const remove = useDeleteEndpoint();
  const toasts = useToasts();
  const rows = deliveries.data?.data ?? [];
  const stateLabel = (s: keyof typeof stateColor) =>
    ({ pending: t('state.pending'), succeeded: t('state.succeeded'), failed: t('state.failed') })[s];
  return (
    <Stack gap="xs" data-testid="webhook-endpoint-panel">
      <Title order={4} style={{ overflowWrap: 'anywhere' }}>
        {endpoint.description || endpoint.url}
      </Title>
      {!endpoint.enabled && (
        <Alert color="red" title={t('endpoint.disabledTitle')}>
          {endpoint.disabled_reason ?? t('endpoint.disabledReason')} {t('endpoint.disabledHint')}
        </Alert>
      )}
      <Group gap="xs">
        <Button
          size="compact-sm"
          variant="light"
          onClick={() =>
            update.mutate({ id: endpoint.id, enabled: !endpoint.enabled }, { onError: toasts.showError })
          }
        >
          {endpoint.enabled ? t('endpoint.disable') : t('endpoint.enable')}
        </Button>
        <Button
          size="compact-sm"
          variant="light"
          onClick={() =>
            rotate.mutate(endpoint.id, {
              onSuccess: (r) => props.onSecret(r.secret),
              onError: toasts.showError,
            })
          }
        >
          {t('endpoint.rotate')}
        </Button>
        <Button
          size="compact-sm"
          variant="subtle"
          color="red"
          onClick={() =>
            remove.mutate(endpoint.id, { onSuccess: props.onDeleted, onError: toasts.showError })
          }
        >
          {t('common:actions.delete')}
        </Button>
        {endpoint.rotation_ends_at && (
          <Text size="xs" c="dimmed">
            {t('endpoint.rotationEnds', { at: formatDateTime(endpoint.rotation_ends_at) })}
          </Text>
        )}
      </Group>
      {endpoint.public_key && (
        <Text size="xs" data-testid="webhook-public-key">
          {t('endpoint.publicKey')} <Code>{endpoint.public_key}</Code>
        </Text>
      )}
      <Group gap="xs" align="end">
        <TextInput
          label={t('endpoint.recoverSince')}
          type="datetime-local"
          value={since}
          onChange={(e) => setSince(e.currentTarget.value)}
          size="xs"
        />
        <Button
          size="compact-sm"
          disabled={!since}
          onClick={() =>
            recover.mutate(
              { id: endpoint.id, since: new Date(since).toISOString() },
              {
                onSuccess: (r) =>
                  toasts.showSuccess(t('endpoint.recovered', { created: r.created, resent: r.resent })),
                onError: toasts.showError,
              },
            )
          }
        >
          {t('endpoint.recover')}
        </Button>
      </Group>
      <Group justify="space-between">
        <Title order={5}>{t('deliveries.title')}</Title>
        <SegmentedControl
          size="xs"
          value={state}
          onChange={setState}
          data={[
            { value: 'all', label: t('state.all') },
            { value: 'pending', label: t('state.pending') },
            { value: 'succeeded', label: t('state.succeeded') },
            { value: 'failed', label: t('state.failed') },
          ]}
        />
      </Group>
      {deliveries.error && <ErrorNotice error={deliveries.error} onRetry={() => deliveries.refetch()} />}
      {deliveries.isSuccess && rows.length === 0 && (
        <Text size="sm" c="dimmed" data-testid="webhook-deliveries-empty">
          {t('deliveries.empty')}
        </Text>
      )}
      {rows.length > 0 && (
        <Table highlightOnHover data-testid="webhook-deliveries">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('deliveries.created')}</Table.Th>
              <Table.Th>{t('deliveries.event')}</Table.Th>
              <Table.Th>{t('column.state')}</Table.Th>
              <Table.Th>{t('deliveries.latest')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((d) => (
              <SelectableRow key={d.id} selected={d.id === open} onSelect={() => setOpen(d.id)}>
                <Table.Td>{formatDateTime(d.created_at)}</Table.Td>
                <Table.Td>{d.event_type}</Table.Td>
                <Table.Td>
                  <Badge color={stateColor[d.state]} variant="light">
                    {stateLabel(d.state)}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  {t('deliveries.attempts', { count: d.attempts })}
                  {d.last_status !== null ? ` · HTTP ${d.last_status}` : ''}
                  {d.next_attempt_at ? t('deliveries.next', { at: formatDateTime(d.next_attempt_at) }) : ''}
                </Table.Td>
              </SelectableRow>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {open && <DeliveryDetail endpointId={endpoint.id} deliveryId={open} />}
    </Stack>
  );
}
