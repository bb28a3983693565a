import { Alert, Button, Group, Paper, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
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
  const { t } = useTranslation('inbox');
  const numbers = useNumbers();
  const wabaId = numbers.data?.find((n) => n.id === conversation.phone_number_id)?.waba_id;
  const templates = useTemplates(wabaId);
  const send = useSendMessage(conversation);
  const sync = useSyncTemplates();
  const toasts = useToasts();
  const categories: Record<string, string> = {
    MARKETING: t('templatePicker.categories.marketing'),
    UTILITY: t('templatePicker.categories.utility'),
    AUTHENTICATION: t('templatePicker.categories.authentication'),
  };
  const categoryLabel = (category: string | null | undefined) =>
    category
      ? (categories[category.toUpperCase()] ?? category.toLowerCase())
      : t('templatePicker.categories.none');
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});

  const approved = (templates.data ?? []).filter(
    (tpl) => tpl.status.toUpperCase() === 'APPROVED' && (!wabaId || !tpl.waba_id || tpl.waba_id === wabaId),
  );
  const template = approved.find((tpl) => tpl.id === selectedId);
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
          toasts.showSuccess(t('templatePicker.sent', { name: template.name }));
          handleSelect(null);
        },
      },
    );
  };

  if (templates.error) return <ErrorNotice error={templates.error} onRetry={() => templates.refetch()} />;

  return (
    <form onSubmit={handleSubmit} aria-label={t('templatePicker.form')}>
      <Stack gap="xs">
        <Text size="xs" c="dimmed">
          {t('templatePicker.closed')}
        </Text>
        <Select
          aria-label={t('templatePicker.template')}
          placeholder={templates.isPending ? t('templatePicker.loading') : t('templatePicker.choose')}
          data={approved.map((tpl) => ({ value: tpl.id, label: `${tpl.name} · ${tpl.language}` }))}
          value={selectedId}
          onChange={handleSelect}
          searchable
          nothingFoundMessage={t('templatePicker.noneApproved')}
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
              {t('templatePicker.refresh')}
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
                {t('templatePicker.preview', { category: categoryLabel(template.category) })}
              </Text>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {renderTemplate(template, values)}
              </Text>
            </Paper>
            {optedOut && (
              <Alert color="orange" p="xs">
                {t('templatePicker.optedOut')}
              </Alert>
            )}
            {send.error && <ErrorNotice error={send.error} />}
            <Group justify="flex-end">
              <Button type="submit" loading={send.isPending} disabled={!complete}>
                {t('templatePicker.send')}
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </form>
  );
}
