import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.ts';
import type { Me } from '../../api/types.ts';
import { useNumbers } from '../inbox/inbox.api.ts';
import { TemplateEditor } from './TemplateEditor.tsx';
import { TemplatePreview } from './TemplatePreview.tsx';
import { type Template, useDeleteTemplate, useTemplates } from './templates.api.ts';

const STATUS_COLOR: Record<string, string> = {
  APPROVED: 'green',
  PENDING: 'yellow',
  REJECTED: 'red',
  PAUSED: 'orange',
  DISABLED: 'gray',
};

/** Meta lets a template be edited while it is approved, rejected or paused (not under review). */
const EDITABLE = ['APPROVED', 'REJECTED', 'PAUSED'];

/** The template library: every template as WhatsApp shows it, its review status and quality, live. */
export function TemplatesPage({ me }: { me: Me }) {
  const { t } = useTranslation('templates');
  const templates = useTemplates();
  const [editing, setEditing] = useState<Template | null>(null);
  const numbers = useNumbers();
  const remove = useDeleteTemplate();
  const [creating, setCreating] = useState(false);
  const [filter, setFilter] = useState('all');
  const wabaId = numbers.data?.[0]?.waba_id;
  const list = (templates.data?.data ?? []).filter((x) => filter === 'all' || x.category === filter);
  return (
    <Stack p="md" maw={1200} mx="auto">
      <Group justify="space-between">
        <Title order={2}>{t('title')}</Title>
        <Group>
          <SegmentedControl
            size="xs"
            value={filter}
            onChange={setFilter}
            data={[
              { label: t('filters.all'), value: 'all' },
              { label: t('categories.MARKETING'), value: 'MARKETING' },
              { label: t('categories.UTILITY'), value: 'UTILITY' },
              { label: t('categories.AUTHENTICATION'), value: 'AUTHENTICATION' },
            ]}
          />
          {me.can.manage_templates && (
            <Button onClick={() => setCreating(true)} disabled={!wabaId}>
              {t('actions.new')}
            </Button>
          )}
        </Group>
      </Group>
      {templates.error && <Alert color="red">{errorMessage(templates.error)}</Alert>}
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        {list.map((tpl) => (
          <Card key={tpl.id} withBorder data-testid={`template-${tpl.name}-${tpl.language}`}>
            <Group justify="space-between" mb="xs" wrap="nowrap">
              <Text fw={600} truncate>
                {tpl.name}
              </Text>
              <Badge color={STATUS_COLOR[tpl.status] ?? 'gray'} data-testid="template-status">
                {tpl.status}
              </Badge>
            </Group>
            <Group gap="xs" mb="sm">
              <Badge variant="light">{tpl.category ?? '—'}</Badge>
              <Badge variant="outline">{tpl.language}</Badge>
              {tpl.quality_score && (
                <Badge variant="dot">{t('library.quality', { score: tpl.quality_score })}</Badge>
              )}
            </Group>
            <TemplatePreview template={tpl} />
            {tpl.reason && tpl.reason !== 'NONE' && (
              <Text size="xs" c="red" mt="xs" data-testid="template-reason">
                {t('library.reason', { reason: tpl.reason })}
              </Text>
            )}
            <Group gap="xs" mt="sm">
              {me.can.manage_templates && EDITABLE.includes(tpl.status) && (
                <Button size="xs" variant="subtle" onClick={() => setEditing(tpl)}>
                  {t('actions.edit')}
                </Button>
              )}
              {me.can.delete_templates && (
                <Button size="xs" variant="subtle" color="red" onClick={() => remove.mutate(tpl.id)}>
                  {t('actions.delete')}
                </Button>
              )}
            </Group>
          </Card>
        ))}
      </SimpleGrid>
      {list.length === 0 && !templates.isLoading && <Text c="dimmed">{t('library.empty')}</Text>}
      <Modal opened={creating} onClose={() => setCreating(false)} title={t('actions.new')} size="90rem">
        {wabaId && <TemplateEditor wabaId={wabaId} onDone={() => setCreating(false)} />}
      </Modal>
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing ? t('edit.title', { name: editing.name, language: editing.language }) : ''}
        size="90rem"
      >
        {editing && (
          <TemplateEditor wabaId={editing.waba_id} template={editing} onDone={() => setEditing(null)} />
        )}
      </Modal>
    </Stack>
  );
}
