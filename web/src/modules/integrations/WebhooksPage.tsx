import {
  Alert,
  Badge,
  Box,
  Button,
  Checkbox,
  Code,
  Group,
  MultiSelect,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../shared/ErrorNotice.tsx';
import { useToasts } from '../../shared/toasts.tsx';
import { EndpointPanel } from './EndpointPanel.tsx';
import {
  eventTypeDescription,
  pickableEventTypes,
  useCreateEndpoint,
  useEndpoints,
} from './integrations.api.ts';
import { SelectableRow } from './SelectableRow.tsx';

/** Shows a secret once, after creation or rotation: the API never returns it again. */
export function SecretNotice({ secret, onClose }: { secret: string; onClose: () => void }) {
  const { t } = useTranslation('integrations');
  return (
    <Alert
      color="yellow"
      title={t('secret.title')}
      withCloseButton
      onClose={onClose}
      data-testid="webhook-secret"
    >
      <Text size="sm">{t('secret.hint')}</Text>
      <Code block>{secret}</Code>
    </Alert>
  );
}

function CreateEndpointForm({ onCreated }: { onCreated: (id: string, secret: string) => void }) {
  const { t } = useTranslation('integrations');
  const eventTypeOptions = useMemo(() => pickableEventTypes(t), [t]);
  const create = useCreateEndpoint();
  const toasts = useToasts();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [types, setTypes] = useState<string[]>(['message.received']);
  const [ed25519, setEd25519] = useState(false);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate(
          { url, description, event_types: types, ed25519 },
          {
            onSuccess: (endpoint) => {
              setUrl('');
              setDescription('');
              setTypes(['message.received']);
              setEd25519(false);
              onCreated(endpoint.id, endpoint.secret);
            },
            onError: toasts.showError,
          },
        );
      }}
    >
      <Stack gap="xs" maw={720}>
        <Title order={4}>{t('create.title')}</Title>
        <TextInput
          label={t('create.url')}
          placeholder="https://crm.example.com/hooks/coexist"
          description={t('create.urlHint')}
          required
          value={url}
          onChange={(e) => setUrl(e.currentTarget.value)}
        />
        <TextInput
          label={t('create.description')}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
        />
        <MultiSelect
          label={t('create.eventTypes')}
          data={eventTypeOptions}
          value={types}
          onChange={setTypes}
          searchable
          required
          maxDropdownHeight={320}
          renderOption={({ option, checked }) => (
            <Stack gap={0}>
              <Text size="sm" fw={checked ? 600 : 400}>
                {option.value}
              </Text>
              <Text size="xs" c="dimmed">
                {eventTypeDescription(t, option.value)}
              </Text>
            </Stack>
          )}
          data-testid="webhook-event-types"
        />
        <Checkbox
          label={t('create.ed25519')}
          description={t('create.ed25519Hint')}
          checked={ed25519}
          onChange={(e) => setEd25519(e.currentTarget.checked)}
        />
        <Group>
          <Button type="submit" loading={create.isPending} disabled={!url || types.length === 0}>
            {t('create.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * Outbound webhooks for CRMs and tools: the endpoints with their event types, a form to add one, and
 * the selected endpoint's delivery log (request and response), resend, rotate secret and recover.
 */
export function WebhooksPage() {
  const { t } = useTranslation('integrations');
  const endpoints = useEndpoints();
  const [selected, setSelected] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const rows = endpoints.data?.data ?? [];
  const current = rows.find((e) => e.id === selected) ?? null;
  return (
    <Box h="100%" style={{ overflow: 'auto' }}>
      <Stack p="md" gap="sm">
        <Title order={3}>{t('app:nav.webhooks')}</Title>
        <Text size="sm" c="dimmed">
          {t('intro')}
        </Text>
        {secret && <SecretNotice secret={secret} onClose={() => setSecret(null)} />}
        {endpoints.error && <ErrorNotice error={endpoints.error} onRetry={() => endpoints.refetch()} />}
        {endpoints.isSuccess && rows.length === 0 && (
          <Text size="sm" c="dimmed" data-testid="webhook-endpoints-empty">
            {t('empty')}
          </Text>
        )}
        {rows.length > 0 && (
          <Table highlightOnHover data-testid="webhook-endpoints">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('column.url')}</Table.Th>
                <Table.Th>{t('column.events')}</Table.Th>
                <Table.Th>{t('column.state')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((e) => (
                <SelectableRow key={e.id} selected={e.id === selected} onSelect={() => setSelected(e.id)}>
                  <Table.Td>
                    <Text size="sm">{e.url}</Text>
                    {e.description && (
                      <Text size="xs" c="dimmed">
                        {e.description}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs">{e.event_types.join(', ')}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={e.enabled ? 'teal' : 'red'} variant="light">
                      {e.enabled ? t('enabled') : t('disabled')}
                    </Badge>
                  </Table.Td>
                </SelectableRow>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {rows.length > 0 && !current && (
          <Text size="sm" c="dimmed" data-testid="webhook-select-hint">
            {t('selectHint')}
          </Text>
        )}
        {current && (
          <EndpointPanel endpoint={current} onSecret={setSecret} onDeleted={() => setSelected(null)} />
        )}
        <CreateEndpointForm
          onCreated={(id, s) => {
            setSelected(id);
            setSecret(s);
          }}
        />
      </Stack>
    </Box>
  );
}
