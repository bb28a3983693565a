import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../../api/client.ts';
import type { Me } from '../../api/types.ts';
import { useNumbers } from '../inbox/inbox.api.ts';
import { TemplatePreview } from './TemplatePreview.tsx';
import { type Template, useCreateTemplate, useDeleteTemplate, useTemplates } from './templates.api.ts';

const STATUS_COLOR: Record<string, string> = {
  APPROVED: 'green',
  PENDING: 'yellow',
  REJECTED: 'red',
  PAUSED: 'orange',
  DISABLED: 'gray',
};

const split = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

function NewTemplate({ wabaId, onDone }: { wabaId: string; onDone: () => void }) {
  const create = useCreateTemplate();
  const [name, setName] = useState('');
  const [language, setLanguage] = useState('en_US');
  const [category, setCategory] = useState<'MARKETING' | 'UTILITY' | 'AUTHENTICATION'>('MARKETING');
  const [header, setHeader] = useState('');
  const [body, setBody] = useState('');
  const [examples, setExamples] = useState('');
  const [footer, setFooter] = useState('');
  const [quickReplies, setQuickReplies] = useState('');
  const [url, setUrl] = useState('');
  const definition = {
    waba_id: wabaId,
    name,
    language,
    category,
    parameter_format: 'positional' as const,
    header: header ? { format: 'TEXT' as const, text: header } : null,
    body: { text: body, ...(examples ? { examples: split(examples) } : {}) },
    footer: footer ? { text: footer } : null,
    buttons: [
      ...split(quickReplies).map((text) => ({ type: 'QUICK_REPLY' as const, text })),
      ...(url ? [{ type: 'URL' as const, text: 'Open', url }] : []),
    ],
  };
  const preview = {
    components: [
      ...(header ? [{ type: 'HEADER', format: 'TEXT', text: header }] : []),
      { type: 'BODY', text: body || '…', example: { body_text: [split(examples)] } },
      ...(footer ? [{ type: 'FOOTER', text: footer }] : []),
      ...(definition.buttons.length ? [{ type: 'BUTTONS', buttons: definition.buttons }] : []),
    ],
  };
  return (
    <Group align="flex-start" grow>
      <Stack>
        <TextInput
          label="Name"
          description="lowercase, digits and _"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          required
        />
        <Group grow>
          <Select
            label="Language"
            data={['en_US', 'es', 'es_MX', 'pt_BR']}
            value={language}
            onChange={(v) => setLanguage(v ?? 'en_US')}
          />
          <Select
            label="Category"
            data={['MARKETING', 'UTILITY', 'AUTHENTICATION']}
            value={category}
            onChange={(v) => setCategory((v as typeof category) ?? 'MARKETING')}
          />
        </Group>
        <TextInput label="Header (text)" value={header} onChange={(e) => setHeader(e.currentTarget.value)} />
        <Textarea
          label="Body"
          description="Variables: {{1}}, {{2}} …"
          autosize
          minRows={3}
          value={body}
          onChange={(e) => setBody(e.currentTarget.value)}
          required
        />
        <TextInput
          label="Examples"
          description="One per variable, comma-separated"
          value={examples}
          onChange={(e) => setExamples(e.currentTarget.value)}
        />
        <TextInput label="Footer" value={footer} onChange={(e) => setFooter(e.currentTarget.value)} />
        <TextInput
          label="Quick replies"
          description="Comma-separated"
          value={quickReplies}
          onChange={(e) => setQuickReplies(e.currentTarget.value)}
        />
        <TextInput
          label="URL button"
          placeholder="https://…"
          value={url}
          onChange={(e) => setUrl(e.currentTarget.value)}
        />
        {create.error && <Alert color="red">{errorMessage(create.error)}</Alert>}
        <Button loading={create.isPending} onClick={() => create.mutate(definition, { onSuccess: onDone })}>
          Submit for review
        </Button>
      </Stack>
      <Stack>
        <Text size="sm" fw={500}>
          Preview
        </Text>
        <TemplatePreview template={preview as Pick<Template, 'components'>} />
      </Stack>
    </Group>
  );
}

/** The template library: every template as WhatsApp shows it, its review status and quality, live. */
export function TemplatesPage({ me }: { me: Me }) {
  const templates = useTemplates();
  const numbers = useNumbers();
  const remove = useDeleteTemplate();
  const [creating, setCreating] = useState(false);
  const [filter, setFilter] = useState('all');
  const wabaId = numbers.data?.[0]?.waba_id;
  const list = (templates.data?.data ?? []).filter((t) => filter === 'all' || t.category === filter);
  return (
    <Stack p="md" maw={1200} mx="auto">
      <Group justify="space-between">
        <Title order={2}>Templates</Title>
        <Group>
          <SegmentedControl
            size="xs"
            value={filter}
            onChange={setFilter}
            data={[
              { label: 'All', value: 'all' },
              { label: 'Marketing', value: 'MARKETING' },
              { label: 'Utility', value: 'UTILITY' },
              { label: 'Authentication', value: 'AUTHENTICATION' },
            ]}
          />
          {me.can.manage_templates && (
            <Button onClick={() => setCreating(true)} disabled={!wabaId}>
              New template
            </Button>
          )}
        </Group>
      </Group>
      {templates.error && <Alert color="red">{errorMessage(templates.error)}</Alert>}
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        {list.map((t) => (
          <Card key={t.id} withBorder data-testid={`template-${t.name}-${t.language}`}>
            <Group justify="space-between" mb="xs" wrap="nowrap">
              <Text fw={600} truncate>
                {t.name}
              </Text>
              <Badge color={STATUS_COLOR[t.status] ?? 'gray'} data-testid="template-status">
                {t.status}
              </Badge>
            </Group>
            <Group gap="xs" mb="sm">
              <Badge variant="light">{t.category ?? '—'}</Badge>
              <Badge variant="outline">{t.language}</Badge>
              {t.quality_score && <Badge variant="dot">quality {t.quality_score}</Badge>}
            </Group>
            <TemplatePreview template={t} />
            {t.reason && t.reason !== 'NONE' && (
              <Text size="xs" c="red" mt="xs">
                {t.reason}
              </Text>
            )}
            {me.can.delete_templates && (
              <Button mt="sm" size="xs" variant="subtle" color="red" onClick={() => remove.mutate(t.id)}>
                Delete
              </Button>
            )}
          </Card>
        ))}
      </SimpleGrid>
      <Modal opened={creating} onClose={() => setCreating(false)} title="New template" size="xl">
        {wabaId && <NewTemplate wabaId={wabaId} onDone={() => setCreating(false)} />}
      </Modal>
    </Stack>
  );
}
