import { Alert, Button, Group, Paper, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import type { Conversation } from '../../../api/types.ts';
import { ErrorNotice } from '../../../shared/ErrorNotice.tsx';
import { useToasts } from '../../../shared/toasts.tsx';
import { useNumbers, useSendMessage, useSyncTemplates, useTemplates } from '../inbox.api.ts';
import {
  fieldId,
  placeholderLabel,
  placeholdersOf,
  renderTemplate,
  templateMessage,
} from './template-params.ts';

type TemplatePickerProps = { conversation: Conversation; canSync: boolean };

/** With the window closed, only an approved template may go out: pick one, fill its fields, preview, send. */
export function TemplatePicker({ conversation, canSync }: TemplatePickerProps) {
  const numbers = useNumbers();
  const wabaId = numbers.data?.find((n) => n.id === conversation.phone_number_id)?.waba_id;
  const templates = useTemplates(wabaId);
  const send = useSendMessage(conversation);
  const sync = useSyncTemplates();
  const toasts = useToasts();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});

  const approved = (templates.data ?? []).filter(
    (t) => t.status.toUpperCase() === 'APPROVED' && (!wabaId || !t.waba_id || t.waba_id === wabaId),
  );
  const template = approved.find((t) => t.id === selectedId);
  const placeholders = template ? placeholdersOf(template) : [];
  const complete = placeholders.every((p) => (values[fieldId(p)] ?? '').trim() !== '');
  const optedOut =
    conversation.contact?.marketing_opt_out && template?.category?.toUpperCase() === 'MARKETING';

  const handleSelect = (id: string | null) => {
    setSelectedId(id);
    setValues({});
    send.reset();
  };

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!template || !complete) return;
    send.mutate(
      { message: templateMessage(template, values), idempotencyKey: crypto.randomUUID() },
      {
        onSuccess: () => {
          toasts.showSuccess(`Template ${template.name} sent`);
          handleSelect(null);
        },
      },
    );
  };

  if (templates.error) return <ErrorNotice error={templates.error} onRetry={() => templates.refetch()} />;

  return (
    <form onSubmit={handleSubmit} aria-label="Send a template">
      <Stack gap="xs">
        <Text size="xs" c="dimmed">
          The 24-hour customer-service window is closed. Only an approved template can be sent until the
          customer writes again.
        </Text>
        <Select
          aria-label="Template"
          placeholder={templates.isPending ? 'Loading templates…' : 'Choose a template'}
          data={approved.map((t) => ({ value: t.id, label: `${t.name} · ${t.language}` }))}
          value={selectedId}
          onChange={handleSelect}
          searchable
          nothingFoundMessage="No approved template"
          data-testid="template-select"
          comboboxProps={{ withinPortal: true, position: 'top' }}
        />
        {canSync && (
          <Group justify="flex-end">
            <Button
              size="compact-xs"
              variant="subtle"
              loading={sync.isPending}
              onClick={() => sync.mutate(wabaId, { onError: toasts.showError })}
            >
              Refresh templates from Meta
            </Button>
          </Group>
        )}
        {template && (
          <>
            {placeholders.length > 0 && (
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" data-testid="template-fields">
                {placeholders.map((p) => (
                  <TextInput
                    key={fieldId(p)}
                    size="xs"
                    label={placeholderLabel(template, p)}
                    value={values[fieldId(p)] ?? ''}
                    onChange={(event) => {
                      const value = event.currentTarget.value;
                      setValues((all) => ({ ...all, [fieldId(p)]: value }));
                    }}
                    required
                  />
                ))}
              </SimpleGrid>
            )}
            <Paper withBorder p="xs" radius="sm" data-testid="template-preview">
              <Text size="xs" c="dimmed" mb={4}>
                Preview · {template.category?.toLowerCase() ?? 'template'}
              </Text>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {renderTemplate(template, values)}
              </Text>
            </Paper>
            {optedOut && (
              <Alert color="orange" p="xs">
                This contact opted out of marketing messages.
              </Alert>
            )}
            {send.error && <ErrorNotice error={send.error} />}
            <Group justify="flex-end">
              <Button type="submit" loading={send.isPending} disabled={!complete}>
                Send template
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </form>
  );
}
