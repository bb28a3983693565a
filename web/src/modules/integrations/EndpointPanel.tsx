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

const stateColor = { pending: 'yellow', succeeded: 'teal', failed: 'red' } as const;

function DeliveryDetail({ endpointId, deliveryId }: { endpointId: string; deliveryId: string }) {
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
              { onSuccess: () => toasts.showSuccess('Sent again.'), onError: toasts.showError },
            )
          }
          loading={resend.isPending}
        >
          Resend
        </Button>
      </Group>
      <Text size="xs" fw={600}>
        Request body
      </Text>
      <Code block>{d.request_body}</Code>
      {d.attempts_log.map((a) => (
        <Stack key={`${a.attempt}-${a.at}`} gap={2} data-testid="webhook-attempt">
          <Text size="xs" fw={600}>
            Attempt {a.attempt} · {formatDateTime(a.at)} · {a.response_status ?? 'no response'} ·{' '}
            {a.duration_ms} ms
          </Text>
          <Code block>
            {Object.entries(a.request_headers)
              .map(([k, v]) => `${k}: ${v}`)
              .join('\n')}
          </Code>
          {a.error && (
            <Text size="xs" c="red">
              {a.error}
            </Text>
          )}
          {a.response_body !== null && <Code block>{a.response_body || '(empty body)'}</Code>}
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
  return (
    <Stack gap="xs" data-testid="webhook-endpoint-panel">
      {!endpoint.enabled && (
        <Alert color="red" title="Disabled">
          {endpoint.disabled_reason ?? 'Disabled.'} Enable it again, then recover what it missed.
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
          {endpoint.enabled ? 'Disable' : 'Enable'}
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
          Rotate secret
        </Button>
        <Button
          size="compact-sm"
          variant="subtle"
          color="red"
          onClick={() =>
            remove.mutate(endpoint.id, { onSuccess: props.onDeleted, onError: toasts.showError })
          }
        >
          Delete
        </Button>
        {endpoint.rotation_ends_at && (
          <Text size="xs" c="dimmed">
            The previous secret signs too until {formatDateTime(endpoint.rotation_ends_at)}.
          </Text>
        )}
      </Group>
      <Group gap="xs" align="end">
        <TextInput
          label="Recover everything since"
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
                onSuccess: (r) => toasts.showSuccess(`${r.created} queued, ${r.resent} sent again.`),
                onError: toasts.showError,
              },
            )
          }
        >
          Recover
        </Button>
      </Group>
      <Group justify="space-between">
        <Title order={5}>Deliveries</Title>
        <SegmentedControl
          size="xs"
          value={state}
          onChange={setState}
          data={['all', 'pending', 'succeeded', 'failed']}
        />
      </Group>
      {deliveries.error && <ErrorNotice error={deliveries.error} onRetry={() => deliveries.refetch()} />}
      {deliveries.isSuccess && rows.length === 0 && (
        <Text size="sm" c="dimmed">
          No delivery yet.
        </Text>
      )}
      {rows.length > 0 && (
        <Table highlightOnHover data-testid="webhook-deliveries">
          <Table.Tbody>
            {rows.map((d) => (
              <Table.Tr key={d.id} onClick={() => setOpen(d.id)} style={{ cursor: 'pointer' }}>
                <Table.Td>{formatDateTime(d.created_at)}</Table.Td>
                <Table.Td>{d.event_type}</Table.Td>
                <Table.Td>
                  <Badge color={stateColor[d.state]} variant="light">
                    {d.state}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  {d.attempts} attempt(s){d.last_status !== null ? ` · HTTP ${d.last_status}` : ''}
                  {d.next_attempt_at ? ` · next ${formatDateTime(d.next_attempt_at)}` : ''}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {open && <DeliveryDetail endpointId={endpoint.id} deliveryId={open} />}
    </Stack>
  );
}
