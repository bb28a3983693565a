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
      <Code block style={wrap} data-testid="webhook-request-body">
        {readable(d.request_body)}
      </Code>
      {d.attempts_log.map((a, i) => (
        <Stack key={`${a.attempt}-${a.at}`} gap={2} data-testid="webhook-attempt">
          <Text size="xs" fw={600}>
            {/* A resend starts its attempts again from 1: number them in log order, and say which resent. */}
            Attempt {i + 1}
            {i > 0 && a.attempt === 1 ? ' (resend)' : ''} · {formatDateTime(a.at)} ·{' '}
            {a.response_status !== null ? `HTTP ${a.response_status}` : 'no response'} · {a.duration_ms} ms
          </Text>
          <Text size="xs" c="dimmed">
            Request headers
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
                Response body
              </Text>
              <Code block style={wrap}>
                {a.response_body || '(empty body)'}
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
      <Title order={4} style={{ overflowWrap: 'anywhere' }}>
        {endpoint.description || endpoint.url}
      </Title>
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
      {endpoint.public_key && (
        <Text size="xs" data-testid="webhook-public-key">
          v1a (Ed25519) public key: <Code>{endpoint.public_key}</Code>
        </Text>
      )}
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
        <Text size="sm" c="dimmed" data-testid="webhook-deliveries-empty">
          No delivery yet.
        </Text>
      )}
      {rows.length > 0 && (
        <Table highlightOnHover data-testid="webhook-deliveries">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Created</Table.Th>
              <Table.Th>Event</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Latest round</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((d) => (
              <SelectableRow key={d.id} selected={d.id === open} onSelect={() => setOpen(d.id)}>
                <Table.Td>{formatDateTime(d.created_at)}</Table.Td>
                <Table.Td>{d.event_type}</Table.Td>
                <Table.Td>
                  <Badge color={stateColor[d.state]} variant="light">
                    {d.state}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  {d.attempts} {d.attempts === 1 ? 'attempt' : 'attempts'}
                  {d.last_status !== null ? ` · HTTP ${d.last_status}` : ''}
                  {d.next_attempt_at ? ` · next ${formatDateTime(d.next_attempt_at)}` : ''}
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
